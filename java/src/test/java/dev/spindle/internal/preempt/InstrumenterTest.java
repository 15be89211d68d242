package dev.spindle.internal.preempt;

import org.junit.jupiter.api.Test;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeElement;
import java.lang.classfile.Label;
import java.lang.classfile.MethodModel;
import java.lang.classfile.Opcode;
import java.lang.classfile.instruction.ExceptionCatch;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.reflect.AccessFlag;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the rewriter emits, that it verifies and runs, and what it leaves alone. */
class InstrumenterTest
{
    private static final String SAMPLES = "dev.spindle.samples.preempt.";
    private static final Instrumenter INSTRUMENTER = new Instrumenter(
        ClassHierarchyResolver.ofResourceParsing(InstrumenterTest.class.getClassLoader()), Instrumenter.Policy.DEFAULT);

    private static byte[] bytes(final String name) throws Exception
    {
        return InstrumentingLoader.read(name);
    }

    private static MethodModel method(final ClassModel model, final String name)
    {
        return model.methods().stream().filter(m -> m.methodName().equalsString(name)).findFirst().orElseThrow();
    }

    private static List<String> calls(final MethodModel method)
    {
        final List<String> out = new ArrayList<>();
        for (final CodeElement e : method.code().orElseThrow())
        {
            if (e instanceof InvokeInstruction i)
            {
                out.add(i.opcode() + " " + i.owner().asInternalName() + "." + i.name().stringValue());
            }
        }
        return out;
    }

    private static long count(final List<String> calls, final String what)
    {
        return calls.stream().filter(c -> c.endsWith(what)).count();
    }

    private static ClassModel rewrite(final String name) throws Exception
    {
        final Instrumenter.Result r = INSTRUMENTER.instrument(bytes(SAMPLES + name));
        assertEquals(Instrumenter.Status.REWRITTEN, r.status(), String.valueOf(r.detail()));
        assertEquals(List.of(), ClassFile.of().verify(r.bytes()));
        return ClassFile.of().parse(r.bytes());
    }

    @Test
    void pollsAtEntryAndBackEdgesOnly() throws Exception
    {
        final ClassModel loops = rewrite("Loops");
        // spin: one back-edge, no call (no entry poll); nested: inner back-edge (continue outer) +
        // outer back-edge; fib: two call sites, so an entry poll
        assertEquals(0, count(calls(method(loops, "spin")), "Preemption.poll"));
        assertEquals(1, count(calls(method(loops, "spin")), "Preemption.loop"));
        assertEquals(0, count(calls(method(loops, "nested")), "Preemption.poll"));
        assertEquals(2, count(calls(method(loops, "nested")), "Preemption.loop"));
        assertEquals(1, count(calls(method(loops, "fib")), "Preemption.poll"));
        assertEquals(0, count(calls(method(loops, "fib")), "Preemption.loop"));
        // Sync.inBlock has two call sites and no loop: polled; Locks.acquire passes one call on: not.
        assertEquals(1, count(calls(method(rewrite("Sync"), "inBlock")), "Preemption.poll"));
        assertEquals(0, count(calls(method(rewrite("Locks"), "acquire")), "Preemption.poll"));
        final ClassModel rect = rewrite("Shapes$Rect");
        assertEquals(0, count(calls(method(rect, "area")), "Preemption.poll"), "a leaf is not polled by default");
        final Instrumenter all = new Instrumenter(ClassHierarchyResolver.ofResourceParsing(getClass().getClassLoader()),
            new Instrumenter.Policy(Instrumenter.Entries.ALL, 1));
        final ClassModel rectAll = ClassFile.of().parse(all.instrument(bytes(SAMPLES + "Shapes$Rect")).bytes());
        assertEquals(1, count(calls(method(rectAll, "area")), "Preemption.poll"), "polls=all polls leaves");
        final ClassModel loopsEvery = ClassFile.of().parse(all.instrument(bytes(SAMPLES + "Loops")).bytes());
        assertEquals(3, count(calls(method(loopsEvery, "nested")), "Preemption.poll"), "batch 1: a poll per back-edge");
        assertEquals(0, count(calls(method(loopsEvery, "nested")), "Preemption.loop"));
    }

    @Test
    void monitorsAndSynchronizedMethodsAreBracketed() throws Exception
    {
        final ClassModel sync = rewrite("Sync");
        final List<String> block = calls(method(sync, "inBlock"));
        // one monitorenter, two monitorexits (normal and javac's handler)
        assertEquals(1, count(block, "enterUnsafe"));
        assertEquals(2, count(block, "exitUnsafe"));

        final MethodModel inMethod = method(sync, "inMethod");
        assertTrue(inMethod.flags().has(AccessFlag.SYNCHRONIZED));
        final List<String> m = calls(inMethod);
        assertEquals("INVOKESTATIC " + Instrumenter.PREEMPTION + ".enterUnsafe", m.getFirst());
        assertEquals(2, count(m, "exitUnsafe"), "before the return and in the catch-all");
        final List<ExceptionCatch> catches = new ArrayList<>();
        for (final CodeElement e : inMethod.code().orElseThrow())
        {
            if (e instanceof ExceptionCatch c)
            {
                catches.add(c);
            }
        }
        assertTrue(catches.getLast().catchType().isEmpty(), "the catch-all comes last");
    }

    @Test
    void classInitializersAreBracketedWithoutPolls() throws Exception
    {
        final ClassModel init = rewrite("Init");
        final List<String> clinit = calls(method(init, "<clinit>"));
        assertEquals(0, count(clinit, "Preemption.poll"));
        assertEquals(1, count(clinit, "enterUnsafe"));
        assertEquals(2, count(clinit, "exitUnsafe"));
    }

    @Test
    void lockingCallsGoThroughGuarded() throws Exception
    {
        final ClassModel locks = rewrite("Locks");
        final List<String> all = new ArrayList<>();
        locks.methods().forEach(m -> all.addAll(calls(m)));
        assertFalse(all.stream().anyMatch(c -> c.matches(".*locks/(Lock|ReentrantLock.*)\\.(lock|unlock|tryLock)")), all.toString());
        assertTrue(count(all, "Guarded.lock") >= 3);
        assertTrue(count(all, "Guarded.unlock") >= 3);
        assertEquals(1, count(all, "Guarded.tryLock"));

        final ClassModel callbacks = rewrite("Callbacks");
        final List<String> cb = new ArrayList<>();
        callbacks.methods().forEach(m -> cb.addAll(calls(m)));
        assertEquals(1, count(cb, "Guarded.computeIfAbsent"));
        assertEquals(1, count(cb, "Guarded.merge"));
        assertEquals(1, count(cb, "Guarded.forEach"));
    }

    @Test
    void everyShapeVerifiesAndComputesTheSame() throws Exception
    {
        final InstrumentingLoader rewritten = new InstrumentingLoader(true, SAMPLES);
        final InstrumentingLoader plain = new InstrumentingLoader(false, SAMPLES);
        final long expected = checksum(plain);
        assertEquals(expected, checksum(rewritten));
        for (final String nested : List.of("Shapes", "Shapes$Shape", "Shapes$Rect", "Shapes$Color", "Shapes$Derived",
            "Shapes$Inner", "Loops"))
        {
            final Instrumenter.Result r = rewritten.results.get(SAMPLES + nested);
            assertNotNull(r, nested + " was loaded");
            assertEquals(Instrumenter.Status.REWRITTEN, r.status(), nested + ": " + r.detail());
        }
        // And inside a process that gives way all along.
        final TestCarrier carrier = TestCarrier.start("shapes", 50);
        try
        {
            final long[] out = new long[1];
            final TestCarrier.Proc p = new TestCarrier.Proc(() -> out[0] = checksumUnchecked(rewritten));
            carrier.runToEnd(p);
            assertEquals(expected, out[0]);
            assertTrue(p.yields.get() > 100, "yields " + p.yields.get());
            assertEquals(0, p.violations.get());
        }
        finally
        {
            carrier.shutdown();
        }
    }

    @Test
    void initializesAsTheJvmsFirstUserOfJavaLangConstant() throws Exception
    {
        // Regression: MethodTypeDesc.ofDescriptor("()V") in a static initializer failed with an
        // ExceptionInInitializerError when nothing had touched ConstantDescs before.
        final ChildJvm.Result r = ChildJvm.run(List.of(), FirstUseChild.class.getName());
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.output().contains("REWRITTEN"), r.toString());
    }

    @Test
    void theRegeneratingFallbackVerifiesAndComputesTheSameToo() throws Exception
    {
        final InstrumentingLoader regenerated = new InstrumentingLoader(new Instrumenter(
            ClassHierarchyResolver.ofResourceParsing(getClass().getClassLoader()), Instrumenter.Policy.DEFAULT, false), SAMPLES);
        assertEquals(checksum(new InstrumentingLoader(false, SAMPLES)), checksum(regenerated));
        assertEquals(Instrumenter.Status.REWRITTEN, regenerated.results.get(SAMPLES + "Shapes").status());
    }

    private static long checksum(final InstrumentingLoader loader) throws Exception
    {
        return (long)loader.load(SAMPLES + "Shapes").getMethod("checksum", int.class).invoke(null, 300);
    }

    private static long checksumUnchecked(final InstrumentingLoader loader)
    {
        try
        {
            return checksum(loader);
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    @Test
    void rewritingTwiceIsANoOp() throws Exception
    {
        final byte[] once = INSTRUMENTER.instrument(bytes(SAMPLES + "Loops")).bytes();
        final Instrumenter.Result twice = INSTRUMENTER.instrument(once);
        assertEquals(Instrumenter.Status.ALREADY_REWRITTEN, twice.status());
        assertNull(twice.bytes());
        assertTrue(ClassFile.of().parse(once).attributes().stream().anyMatch(a -> a.attributeName().equalsString(Instrumenter.MARKER)));
    }

    @Test
    void badInputFailsSoftly()
    {
        final Instrumenter.Result r = INSTRUMENTER.instrument(new byte[] {(byte)0xCA, (byte)0xFE, 1, 2});
        assertEquals(Instrumenter.Status.FAILED, r.status());
        assertNotNull(r.detail());
        // A resolver that knows no class: the class's own stack maps are kept (adjusted), so no
        // super type has to be looked up (Shapes.merged joins an ArrayList and a LinkedList).
        final Instrumenter blind = new Instrumenter(desc -> null, Instrumenter.Policy.DEFAULT);
        final Instrumenter.Result s = blind.instrument(bytesUnchecked(SAMPLES + "Shapes"));
        assertEquals(Instrumenter.Status.REWRITTEN, s.status(), String.valueOf(s.detail()));
        assertEquals(List.of(), ClassFile.of().verify(s.bytes()));
    }

    private static byte[] bytesUnchecked(final String name)
    {
        try
        {
            return bytes(name);
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    @Test
    void methodsNearTheSizeLimitAreLeftAloneAndTheClassStillWorks() throws Exception
    {
        final ClassDesc name = ClassDesc.of("dev.spindle.samples.preempt.Huge");
        final byte[] huge = ClassFile.of().build(name, cb ->
        {
            cb.withFlags(AccessFlag.PUBLIC, AccessFlag.FINAL);
            cb.withMethodBody("big", MethodTypeDesc.of(ConstantDescs.CD_int, ConstantDescs.CD_int), ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC,
                code -> loopPadded(code, 64_000));
            cb.withMethodBody("small", MethodTypeDesc.of(ConstantDescs.CD_int, ConstantDescs.CD_int), ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC,
                code -> loopPadded(code, 100));
        });
        final Instrumenter.Result r = INSTRUMENTER.instrument(huge);
        assertEquals(Instrumenter.Status.REWRITTEN, r.status(), String.valueOf(r.detail()));
        assertEquals(1, r.skippedLarge());
        assertEquals(1, r.methods());
        final ClassModel m = ClassFile.of().parse(r.bytes());
        assertEquals(0, count(calls(method(m, "big")), "poll") + count(calls(method(m, "big")), "loop"));
        assertEquals(0, count(calls(method(m, "small")), "poll"), "no call: no entry poll");
        assertEquals(1, count(calls(method(m, "small")), "loop"));
        final Class<?> c = define(r.bytes());
        assertEquals(10 * 3, (int)c.getMethod("big", int.class).invoke(null, 10));
        assertEquals(10 * 3, (int)c.getMethod("small", int.class).invoke(null, 10));
    }

    /** int f(int n): a loop adding 3 n times, padded with pairs of iconst_0/pop to the given size. */
    private static void loopPadded(final java.lang.classfile.CodeBuilder code, final int padding)
    {
        final Label top = code.newLabel();
        final Label done = code.newLabel();
        code.iconst_0().istore(1); // acc
        code.labelBinding(top);
        code.iload(0).ifeq(done);
        for (int i = 0; i < padding / 2; i++)
        {
            code.iconst_0().pop();
        }
        code.iinc(1, 3).iinc(0, -1).goto_w(top);
        code.labelBinding(done);
        code.iload(1).ireturn();
    }

    private static Class<?> define(final byte[] bytes)
    {
        return new ClassLoader(InstrumenterTest.class.getClassLoader())
        {
            Class<?> define()
            {
                return defineClass(null, bytes, 0, bytes.length);
            }
        }.define();
    }

    @Test
    void theTransformerLeavesUnselectedClassesAlone() throws Exception
    {
        final PreemptTransformer t = new PreemptTransformer(new ClassSelector(List.of(SAMPLES + "Loops", "dev.spindle.*", "dev.spindle.internal.**"), List.of()),
            Instrumenter.Policy.DEFAULT);
        final ClassLoader app = getClass().getClassLoader();
        assertNotNull(t.transform(app, "dev/spindle/samples/preempt/Loops", null, null, bytes(SAMPLES + "Loops")));
        assertTrue(t.transform(app, "dev/spindle/samples/preempt/Sync", null, null, bytes(SAMPLES + "Sync")) == null, "not included");
        assertNull(t.transform(null, "dev/spindle/samples/preempt/Loops", null, null, bytes(SAMPLES + "Loops")), "boot loader");
        assertNull(t.transform(ClassLoader.getPlatformClassLoader(), "dev/spindle/samples/preempt/Loops", null, null,
            bytes(SAMPLES + "Loops")), "platform loader");
        assertNull(t.transform(app, "dev/spindle/Proc", null, null, bytes("dev.spindle.Proc")), "the runtime's API");
        assertNull(t.transform(app, "dev/spindle/internal/preempt/Guarded", null, null, bytes("dev.spindle.internal.preempt.Guarded")),
            "the runtime's internals");
        assertNull(t.transform(app, "dev/spindle/samples/preempt/Loops", null, null, new byte[] {1, 2, 3}), "garbage: left alone");
        assertEquals(1, t.failed.sum());
        assertEquals(1, t.rewritten.sum());
        assertTrue(t.summary().contains("rewrote 1 of 2 selected"), t.summary());
    }
}
