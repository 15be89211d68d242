package dev.spindle.internal.preempt;

import java.lang.classfile.AttributeMapper;
import java.lang.classfile.AttributedElement;
import java.lang.classfile.BufWriter;
import java.lang.classfile.ClassBuilder;
import java.lang.classfile.ClassElement;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassReader;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeModel;
import java.lang.classfile.CustomAttribute;
import java.lang.classfile.Label;
import java.lang.classfile.MethodModel;
import java.lang.classfile.MethodTransform;
import java.lang.classfile.attribute.CodeAttribute;
import java.lang.classfile.attribute.StackMapFrameInfo;
import java.lang.classfile.attribute.StackMapTableAttribute;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.instruction.BranchInstruction;
import java.lang.classfile.instruction.InvokeDynamicInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.LabelTarget;
import java.lang.classfile.instruction.LookupSwitchInstruction;
import java.lang.classfile.instruction.MonitorInstruction;
import java.lang.classfile.instruction.ReturnInstruction;
import java.lang.classfile.instruction.SwitchCase;
import java.lang.classfile.instruction.TableSwitchInstruction;
import java.lang.reflect.AccessFlag;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Rewrites one class file so that its code spends reductions and gives way only at safe points.
 * Built on the JDK's class-file API ({@code java.lang.classfile}). Thread-safe and stateless
 * between calls.
 *
 * <p>What a rewritten method does:
 * <ul>
 *   <li>calls {@link Preemption#poll()} at its entry and, before every backward branch (a loop
 *       back-edge, including backward switch targets), counts the back-edge in a local variable
 *       and calls {@link Preemption#loop(int, int)}, which spends a batch of reductions every
 *       {@link Policy#loopBatch()}-th time (or calls {@code poll()} at each back-edge when the
 *       batch is 1). Exceptions: class initializers (never a
 *       safe point), bridge methods (they only delegate) and, by default, methods that cannot
 *       start a tree of calls (see {@link Entries#BRANCHING}): leaves such as getters, and
 *       methods that only pass a call on;</li>
 *   <li>calls {@link Preemption#enterUnsafe()} after {@code monitorenter} and
 *       {@link Preemption#exitUnsafe()} after {@code monitorexit} (javac's exception handlers
 *       release monitors with {@code monitorexit} too, so exceptional exits are counted). Each
 *       call goes before the next instruction, after the labels in between: javac protects a
 *       synchronized block with a catch-all range that starts right after {@code monitorenter}
 *       and ends right after {@code monitorexit}, and C1/C2 refuse to compile a method
 *       ("unbalanced monitors") where a call that may throw sits between a monitor instruction
 *       and its range's edge: an exception there would leave the monitor held or released twice
 *       by the handler;</li>
 *   <li>for a synchronized method or a class initializer: {@code enterUnsafe} first,
 *       {@code exitUnsafe} before every return, and a catch-all handler around the whole body
 *       that calls {@code exitUnsafe} and rethrows;</li>
 *   <li>calls the {@link Guarded} twin instead of {@code Lock} acquire/release and of the JDK
 *       methods that run a caller's function under their own lock.</li>
 * </ul>
 * A rewritten class carries the {@value #MARKER} attribute and is never rewritten twice. A method
 * that would outgrow the 64 KiB code limit is left as it is; a class the API cannot rewrite (for
 * instance when a type its stack maps need cannot be resolved) is left whole, with the reason in
 * the {@link Result}.
 */
public final class Instrumenter
{
    /** Name of the class attribute that marks a rewritten class (payload: u2 format version). */
    public static final String MARKER = "dev.spindle.Preemptible";

    static final String PREEMPTION = "dev/spindle/internal/preempt/Preemption";
    static final String GUARDED = "dev/spindle/internal/preempt/Guarded";
    private static final int FORMAT_VERSION = 1;
    private static final int MAX_CODE_LENGTH = 65_535;
    // Room for short branches that the API widens when insertions push them out of range.
    private static final int WIDENING_SLACK = 2_048;
    // A method this long is left alone on the second attempt after the class failed to build.
    private static final int LARGE_METHOD = 32_768;

    // Built from ConstantDescs, not MethodTypeDesc.ofDescriptor("()V"): when a primitive
    // descriptor is the JVM's first use of java.lang.constant, JDK 25's class initializers run in
    // a cycle (PrimitiveClassDescImpl -> ConstantDescs -> PrimitiveClassDescImpl) and this class
    // failed to initialize with a NullPointerException. Touching ConstantDescs first avoids it.
    private static final java.lang.constant.MethodTypeDesc VOID = java.lang.constant.MethodTypeDesc.of(
        java.lang.constant.ConstantDescs.CD_void);
    private static final java.lang.constant.MethodTypeDesc INT_INT_VOID = java.lang.constant.MethodTypeDesc.of(
        java.lang.constant.ConstantDescs.CD_void, java.lang.constant.ConstantDescs.CD_int, java.lang.constant.ConstantDescs.CD_int);
    private static final java.lang.constant.ClassDesc PREEMPTION_DESC = java.lang.constant.ClassDesc.ofInternalName(PREEMPTION);
    private static final java.lang.constant.ClassDesc GUARDED_DESC = java.lang.constant.ClassDesc.ofInternalName(GUARDED);

    /** What happened to one class. */
    public enum Status
    {
        /** Rewritten: {@link Result#bytes()} holds the new class file. */
        REWRITTEN,
        /** Carries the marker (or already calls {@link Preemption}): left alone. */
        ALREADY_REWRITTEN,
        /** No method needed a change (only leaves, no code, module-info). */
        NOTHING_TO_DO,
        /** The class-file API could not rewrite it: left whole; {@link Result#detail()} says why. */
        FAILED
    }

    /**
     * The outcome for one class.
     *
     * @param status        what happened.
     * @param bytes         the new class file when {@link Status#REWRITTEN}, else null.
     * @param methods       methods rewritten.
     * @param polls         poll sites inserted.
     * @param skippedLarge  methods left alone because of the code-size limit.
     * @param detail        why, for {@link Status#FAILED}; else null.
     */
    public record Result(Status status, byte[] bytes, int methods, int polls, int skippedLarge, String detail)
    {
        static Result of(final Status status, final String detail)
        {
            return new Result(status, null, 0, 0, 0, detail);
        }
    }

    /** Which methods poll at their entry. */
    public enum Entries
    {
        /** Every method with code (but class initializers and bridges). */
        ALL,
        /** Methods with a call or a loop: leaves run in bounded time and their caller polls. */
        CALLERS,
        /**
         * Methods one call of which can make more than one further call without passing a poll:
         * two or more call sites, or a call site and a loop. A method with one call site and no
         * loop can only extend a chain of calls, and a chain is as deep as the stack allows, so
         * every cycle of calls that can grow without bound passes a polled method.
         */
        BRANCHING
    }

    /**
     * Where the polls go.
     *
     * @param entries    which methods poll at their entry.
     * @param loopBatch  back-edges per loop poll, a power of two from 1 to 1024: with more than 1,
     *                   a back-edge bumps a counter in a local variable and every
     *                   {@code loopBatch}-th one spends that many reductions at once
     *                   ({@link Preemption#loop(int, int)}), so a tight loop pays a register increment
     *                   and a test per iteration instead of a carrier lookup and a memory update.
     */
    public record Policy(Entries entries, int loopBatch)
    {
        /** Entries of branching methods, loops every 64 back-edges. */
        public static final Policy DEFAULT = new Policy(Entries.BRANCHING, Preemption.LOOP_BATCH);

        /** @throws IllegalArgumentException for a batch that is not a power of two in range. */
        public Policy
        {
            java.util.Objects.requireNonNull(entries, "entries");
            if (loopBatch < 1 || loopBatch > 1024 || Integer.bitCount(loopBatch) != 1)
            {
                throw new IllegalArgumentException("loop batch " + loopBatch + " is not a power of two from 1 to 1024");
            }
        }
    }

    // Keeps the class's own stack maps, adjusted (no class hierarchy needed: fast, never fails
    // for want of a type); regenerating them is the fallback.
    private final ClassFile keepingFrames = ClassFile.of(ClassFile.StackMapsOption.DROP_STACK_MAPS);
    private final ClassFile classFile;
    private final Policy policy;
    private final boolean keepFramesFirst;

    /**
     * @param resolver finds super types for the stack maps the API regenerates: usually
     *                 {@code ClassHierarchyResolver.ofResourceParsing(definingLoader)}.
     * @param policy   where the polls go.
     */
    public Instrumenter(final ClassHierarchyResolver resolver, final Policy policy)
    {
        this(resolver, policy, true);
    }

    /** Tests: {@code keepFramesFirst == false} goes straight to the regenerating fallback. */
    Instrumenter(final ClassHierarchyResolver resolver, final Policy policy, final boolean keepFramesFirst)
    {
        this.classFile = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(resolver));
        this.policy = policy;
        this.keepFramesFirst = keepFramesFirst;
    }

    /**
     * @param classBytes a class file.
     * @return what was done; never throws for a malformed or unsupported class (FAILED instead).
     */
    public Result instrument(final byte[] classBytes)
    {
        final ClassModel model;
        try
        {
            model = classFile.parse(classBytes);
        }
        catch (final RuntimeException ex)
        {
            return Result.of(Status.FAILED, "unparsable: " + ex);
        }
        if (model.isModuleInfo())
        {
            return Result.of(Status.NOTHING_TO_DO, null);
        }
        if (isMarked(model))
        {
            return Result.of(Status.ALREADY_REWRITTEN, null);
        }
        Result result = keepFramesFirst ? build(model, MAX_CODE_LENGTH, true) : Result.of(Status.FAILED, null);
        if (result.status() == Status.FAILED)
        {
            result = build(model, MAX_CODE_LENGTH, false);
        }
        if (result.status() == Status.FAILED && result.detail() != null && result.detail().startsWith("size:"))
        {
            // A branch widened more than the slack allowed: try again without the large methods.
            result = build(model, LARGE_METHOD, false);
        }
        return result;
    }

    /**
     * @param model a parsed class.
     * @return whether it was rewritten already: it has the marker, or (if a tool dropped the
     * attribute) its constant pool names {@link Preemption}.
     */
    static boolean isMarked(final ClassModel model)
    {
        for (final var attribute : model.attributes())
        {
            if (attribute.attributeName().equalsString(MARKER))
            {
                return true;
            }
        }
        for (final PoolEntry entry : model.constantPool())
        {
            if (entry instanceof ClassEntry c && c.name().equalsString(PREEMPTION))
            {
                return true;
            }
        }
        return false;
    }

    private Result build(final ClassModel model, final int sizeLimit, final boolean keepFrames)
    {
        final boolean frames = model.majorVersion() >= ClassFile.JAVA_6_VERSION;
        final int[] counts = new int[3]; // methods, polls, skipped for size
        boolean any = false;
        final java.util.Map<MethodModel, Plan> plans = new IdentityHashMap<>();
        for (final MethodModel method : model.methods())
        {
            final Plan plan = Plan.of(method, policy.entries());
            if (plan == null)
            {
                continue;
            }
            if (plan.codeLength + plan.growth() + WIDENING_SLACK > sizeLimit)
            {
                counts[2]++;
                continue;
            }
            plans.put(method, plan);
            any = true;
        }
        if (!any)
        {
            return new Result(counts[2] > 0 ? Status.FAILED : Status.NOTHING_TO_DO, null, 0, 0, counts[2],
                counts[2] > 0 ? "every method that needs polls is too large" : null);
        }
        final ClassTransform transform = (final ClassBuilder builder, final ClassElement element) ->
        {
            if (element instanceof MethodModel method && plans.get(method) instanceof Plan plan)
            {
                final MethodRewriter rewriter = new MethodRewriter(plan, policy.loopBatch(), keepFrames && frames);
                builder.transformMethod(method, MethodTransform.transformingCode(rewriter));
                counts[0]++;
                counts[1] += rewriter.polls;
            }
            else
            {
                builder.with(element);
            }
        };
        try
        {
            final byte[] out = (keepFrames ? keepingFrames : classFile).transformClass(model,
                transform.andThen(ClassTransform.endHandler(b -> b.with(new Marker()))));
            return new Result(Status.REWRITTEN, out, counts[0], counts[1], counts[2], null);
        }
        catch (final IllegalArgumentException | IllegalStateException | UnsupportedOperationException |
            IndexOutOfBoundsException ex)
        {
            final String message = String.valueOf(ex.getMessage());
            final boolean size = message.contains("too large") || message.contains("Code length") || message.contains("exceeds");
            return Result.of(Status.FAILED, (size ? "size: " : "") + ex);
        }
    }

    /** What one method needs; null from {@link #of} when it needs nothing. */
    private static final class Plan
    {
        boolean entryPoll;
        boolean bracket;
        int codeLength;
        int backEdges;
        int monitors;
        int returns;
        CodeModel code;
        // Labels jumped to (branches, switches, exception handlers): code reached there did not
        // come through the instruction before them.
        final Set<Label> targets = Collections.newSetFromMap(new IdentityHashMap<>());

        int growth()
        {
            // invokestatic is 3 bytes, a batched back-edge 14 (wide iinc, wide iload, sipush, call) plus 6
            // to set up the counter; the bracket adds the entry call, one per return and a handler.
            return 3 * ((entryPoll ? 1 : 0) + monitors) + 14 * backEdges + 6 + (bracket ? 3 + 3 * returns + 8 : 0);
        }

        static Plan of(final MethodModel method, final Entries entries)
        {
            final CodeModel code = method.code().orElse(null);
            if (code == null || method.flags().has(AccessFlag.BRIDGE))
            {
                return null;
            }
            final Plan plan = new Plan();
            plan.code = code;
            final boolean clinit = method.methodName().equalsString("<clinit>");
            plan.bracket = clinit || method.flags().has(AccessFlag.SYNCHRONIZED);
            plan.codeLength = code instanceof CodeAttribute attribute ? attribute.codeLength() : 0;
            int calls = 0;
            int guarded = 0;
            final Set<Label> bound = Collections.newSetFromMap(new IdentityHashMap<>());
            for (final CodeElement element : code)
            {
                switch (element)
                {
                    case LabelTarget target -> bound.add(target.label());
                    case BranchInstruction branch ->
                    {
                        plan.backEdges += bound.contains(branch.target()) ? 1 : 0;
                        plan.targets.add(branch.target());
                    }
                    case TableSwitchInstruction ts ->
                    {
                        plan.backEdges += backward(bound, ts.defaultTarget(), ts.cases()) ? 1 : 0;
                        addTargets(plan.targets, ts.defaultTarget(), ts.cases());
                    }
                    case LookupSwitchInstruction ls ->
                    {
                        plan.backEdges += backward(bound, ls.defaultTarget(), ls.cases()) ? 1 : 0;
                        addTargets(plan.targets, ls.defaultTarget(), ls.cases());
                    }
                    case java.lang.classfile.instruction.ExceptionCatch handler -> plan.targets.add(handler.handler());
                    case MonitorInstruction ignored -> plan.monitors++;
                    case ReturnInstruction ignored -> plan.returns++;
                    case InvokeInstruction invoke ->
                    {
                        calls++;
                        guarded += GuardedCalls.replacement(invoke) != null ? 1 : 0;
                    }
                    case InvokeDynamicInstruction ignored -> calls++;
                    default ->
                    {
                    }
                }
            }
            if (clinit)
            {
                plan.backEdges = 0; // never a safe point: no polls at all
            }
            plan.entryPoll = !clinit && switch (entries)
            {
                case ALL -> true;
                case CALLERS -> calls > 0 || plan.backEdges > 0;
                case BRANCHING -> calls > 1 || (calls == 1 && plan.backEdges > 0);
            };
            final boolean needed = plan.entryPoll || plan.backEdges > 0 || plan.monitors > 0 || plan.bracket || guarded > 0;
            return needed ? plan : null;
        }
    }

    private static void addTargets(final Set<Label> targets, final Label defaultTarget, final List<SwitchCase> cases)
    {
        targets.add(defaultTarget);
        for (final SwitchCase c : cases)
        {
            targets.add(c.target());
        }
    }

    static boolean backward(final Set<Label> bound, final Label defaultTarget, final List<SwitchCase> cases)
    {
        if (bound.contains(defaultTarget))
        {
            return true;
        }
        for (final SwitchCase c : cases)
        {
            if (bound.contains(c.target()))
            {
                return true;
            }
        }
        return false;
    }

    /** Rewrites one method body (one instance per method: it tracks bound labels). */
    private static final class MethodRewriter implements java.lang.classfile.CodeTransform
    {
        private final Plan plan;
        private final int loopBatch;
        private final boolean keepFrames;
        private int counter = -1; // local slot of the back-edge counter when batching
        private final Set<Label> bound = Collections.newSetFromMap(new IdentityHashMap<>());
        private Label bodyStart;
        // enterUnsafe/exitUnsafe owed by the last monitor instruction, emitted before the next instruction.
        private String pending;
        private final List<LabelTarget> held = new java.util.ArrayList<>();
        int polls;

        MethodRewriter(final Plan plan, final int loopBatch, final boolean keepFrames)
        {
            this.plan = plan;
            this.loopBatch = loopBatch;
            this.keepFrames = keepFrames;
        }

        @Override
        public void atStart(final java.lang.classfile.CodeBuilder b)
        {
            if (plan.bracket)
            {
                b.invokestatic(PREEMPTION_DESC, "enterUnsafe", VOID);
            }
            if (plan.entryPoll)
            {
                poll(b);
            }
            if (plan.backEdges > 0 && loopBatch > 1)
            {
                counter = b.allocateLocal(java.lang.classfile.TypeKind.INT);
                b.iconst_0();
                b.istore(counter);
            }
            if (plan.bracket)
            {
                bodyStart = b.newBoundLabel();
            }
        }

        @Override
        public void accept(final java.lang.classfile.CodeBuilder b, final CodeElement element)
        {
            if (pending != null)
            {
                if (element instanceof LabelTarget target)
                {
                    bound.add(target.label());
                    held.add(target);
                    return;
                }
                if (element instanceof java.lang.classfile.Instruction)
                {
                    flushPending(b);
                }
            }
            switch (element)
            {
                case StackMapTableAttribute ignored ->
                {
                    // rebuilt in atEnd (or regenerated by the API)
                }
                case LabelTarget target ->
                {
                    bound.add(target.label());
                    b.with(element);
                }
                case BranchInstruction branch ->
                {
                    if (plan.backEdges > 0 && bound.contains(branch.target()))
                    {
                        backEdge(b);
                    }
                    b.with(element);
                }
                case TableSwitchInstruction ts ->
                {
                    if (plan.backEdges > 0 && backward(bound, ts.defaultTarget(), ts.cases()))
                    {
                        backEdge(b);
                    }
                    b.with(element);
                }
                case LookupSwitchInstruction ls ->
                {
                    if (plan.backEdges > 0 && backward(bound, ls.defaultTarget(), ls.cases()))
                    {
                        backEdge(b);
                    }
                    b.with(element);
                }
                case MonitorInstruction monitor ->
                {
                    b.with(element);
                    // Not right here: the call must sit where an exception from it leaves the
                    // monitor state as the JIT expects (see the class comment), i.e. after the
                    // labels that open (enter) or close (exit) javac's protected range.
                    pending = monitor.opcode() == java.lang.classfile.Opcode.MONITORENTER ? "enterUnsafe" : "exitUnsafe";
                }
                case ReturnInstruction ignored ->
                {
                    if (plan.bracket)
                    {
                        b.invokestatic(PREEMPTION_DESC, "exitUnsafe", VOID);
                    }
                    b.with(element);
                }
                case InvokeInstruction invoke ->
                {
                    final GuardedCalls.Replacement r = GuardedCalls.replacement(invoke);
                    if (r == null)
                    {
                        b.with(element);
                    }
                    else
                    {
                        b.invokestatic(GUARDED_DESC, r.name(), r.type());
                    }
                }
                default -> b.with(element);
            }
        }

        /**
         * Emits the owed monitor call before the next instruction: after the labels bound there
         * that nothing jumps to (a protected range's start or end), before those something jumps
         * to (a loop head, a handler), so the call runs once, on the path through the monitor
         * instruction only.
         */
        private void flushPending(final java.lang.classfile.CodeBuilder b)
        {
            for (final LabelTarget t : held)
            {
                if (!plan.targets.contains(t.label()))
                {
                    b.with(t);
                }
            }
            b.invokestatic(PREEMPTION_DESC, pending, VOID);
            for (final LabelTarget t : held)
            {
                if (plan.targets.contains(t.label()))
                {
                    b.with(t);
                }
            }
            held.clear();
            pending = null;
        }

        @Override
        public void atEnd(final java.lang.classfile.CodeBuilder b)
        {
            Label handler = null;
            if (plan.bracket)
            {
                // Exceptional exit: this entry comes after the method's own, so their handlers win.
                final Label bodyEnd = b.newBoundLabel();
                handler = b.newBoundLabel();
                b.invokestatic(PREEMPTION_DESC, "exitUnsafe", VOID);
                b.athrow();
                b.exceptionCatchAll(bodyStart, bodyEnd, handler);
            }
            if (keepFrames)
            {
                keepFrames(b, handler);
            }
        }

        /**
         * Writes the method's own stack map frames back, adjusted: nothing this rewriter inserts
         * changes the operand stack or a local at a branch target, except the back-edge counter,
         * an int set before any target, which joins every frame's locals; the catch-all handler
         * gets a frame with no locals and the Throwable on the stack.
         */
        private void keepFrames(final java.lang.classfile.CodeBuilder b, final Label handler)
        {
            final List<StackMapFrameInfo> frames = new java.util.ArrayList<>();
            plan.code.findAttribute(java.lang.classfile.Attributes.stackMapTable()).ifPresent(table ->
            {
                for (final StackMapFrameInfo f : table.entries())
                {
                    frames.add(counter < 0 ? f : StackMapFrameInfo.of(f.target(), withCounter(f.locals()), f.stack()));
                }
            });
            if (handler != null)
            {
                frames.add(StackMapFrameInfo.of(handler, List.of(),
                    List.of(StackMapFrameInfo.ObjectVerificationTypeInfo.of(java.lang.constant.ConstantDescs.CD_Throwable))));
            }
            if (!frames.isEmpty())
            {
                b.with(StackMapTableAttribute.of(frames));
            }
        }

        private List<StackMapFrameInfo.VerificationTypeInfo> withCounter(final List<StackMapFrameInfo.VerificationTypeInfo> locals)
        {
            final List<StackMapFrameInfo.VerificationTypeInfo> out = new java.util.ArrayList<>(locals);
            int slots = 0;
            for (final StackMapFrameInfo.VerificationTypeInfo t : locals)
            {
                slots += t == StackMapFrameInfo.SimpleVerificationTypeInfo.LONG ||
                    t == StackMapFrameInfo.SimpleVerificationTypeInfo.DOUBLE ? 2 : 1;
            }
            if (slots > counter)
            {
                throw new IllegalStateException("a frame already uses the counter's slot " + counter);
            }
            for (; slots < counter; slots++)
            {
                out.add(StackMapFrameInfo.SimpleVerificationTypeInfo.TOP);
            }
            out.add(StackMapFrameInfo.SimpleVerificationTypeInfo.INTEGER);
            return out;
        }

        private void poll(final java.lang.classfile.CodeBuilder b)
        {
            b.invokestatic(PREEMPTION_DESC, "poll", VOID);
            polls++;
        }

        private void backEdge(final java.lang.classfile.CodeBuilder b)
        {
            if (counter < 0)
            {
                poll(b);
                return;
            }
            // counter++; Preemption.loop(counter, batch): spends batch reductions every batch-th time.
            b.iinc(counter, 1);
            b.iload(counter);
            b.loadConstant(loopBatch);
            b.invokestatic(PREEMPTION_DESC, "loop", INT_INT_VOID);
            polls++;
        }
    }

    /** The marker attribute; its payload is the rewriting format's version. */
    private static final class Marker extends CustomAttribute<Marker>
    {
        private static final AttributeMapper<Marker> MAPPER = new AttributeMapper<>()
        {
            @Override
            public String name()
            {
                return MARKER;
            }

            @Override
            public Marker readAttribute(final AttributedElement enclosing, final ClassReader reader, final int pos)
            {
                return new Marker();
            }

            @Override
            public void writeAttribute(final BufWriter buf, final Marker attribute)
            {
                buf.writeIndex(buf.constantPool().utf8Entry(MARKER));
                buf.writeInt(2);
                buf.writeU2(FORMAT_VERSION);
            }

            @Override
            public AttributeStability stability()
            {
                return AttributeStability.STATELESS;
            }
        };

        Marker()
        {
            super(MAPPER);
        }
    }
}
