package dev.spindle.samples.preempt;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;
import java.util.function.LongSupplier;
import java.util.stream.IntStream;

/**
 * Every code shape the rewriter must keep valid: lambdas, try/catch/finally, switches, nested and
 * labeled loops, constructors with statements before super(), interfaces with default methods,
 * records, enums, inner classes, two-slot locals, exceptions inside loops. {@link #checksum(int)}
 * runs them all and folds the results, so a test compares plain and rewritten copies.
 */
public final class Shapes
{
    private Shapes()
    {
    }

    /** An interface with default, static and private methods. */
    public interface Shape
    {
        /** @return the area, scaled. */
        long area();

        /** @return a default method with a loop. */
        default long scaled(final int times)
        {
            long s = 0;
            for (int i = 0; i < times; i++)
            {
                s += area() + helper(i);
            }
            return s;
        }

        private long helper(final int i)
        {
            return i & 7;
        }

        /** @return a static interface method. */
        static Shape unit()
        {
            return () -> 1;
        }
    }

    /** A record with a compact constructor that loops. */
    public record Rect(int w, int h) implements Shape
    {
        /** Validates with a loop. */
        public Rect
        {
            int checks = 0;
            while (checks < 3)
            {
                if (w < 0 || h < 0)
                {
                    throw new IllegalArgumentException("negative");
                }
                checks++;
            }
        }

        @Override
        public long area()
        {
            return (long)w * h;
        }
    }

    /** An enum with fields, a constructor and a switch over itself. */
    public enum Color
    {
        /** Red. */
        RED(1),
        /** Green. */
        GREEN(2),
        /** Blue. */
        BLUE(3);

        private final int weight;

        Color(final int weight)
        {
            int w = 0;
            for (int i = 0; i < weight; i++)
            {
                w++;
            }
            this.weight = w;
        }

        int mix(final Color other)
        {
            return switch (other)
            {
                case RED -> weight * 11;
                case GREEN -> weight * 13;
                case BLUE -> weight * 17;
            };
        }
    }

    /** A sealed hierarchy for a pattern switch. */
    public sealed interface Expr permits Num, Add, Mul
    {
    }

    /** A number. */
    public record Num(long v) implements Expr
    {
    }

    /** A sum. */
    public record Add(Expr l, Expr r) implements Expr
    {
    }

    /** A product. */
    public record Mul(Expr l, Expr r) implements Expr
    {
    }

    static long eval(final Expr e)
    {
        return switch (e)
        {
            case Num n -> n.v();
            case Add(Expr l, Expr r) -> eval(l) + eval(r);
            case Mul(Expr l, Expr r) when eval(l) == 0 -> 0;
            case Mul(Expr l, Expr r) -> eval(l) * eval(r);
        };
    }

    /** A base class whose subclass computes before calling super (JDK 25 flexible constructors). */
    public static class Base
    {
        final long seed;

        Base(final long seed)
        {
            this.seed = seed;
        }
    }

    /** Statements, a loop and a branch before super(...). */
    public static final class Derived extends Base
    {
        final long extra;

        Derived(final int n)
        {
            long s = 0;
            for (int i = 0; i < n; i++)
            {
                s += i * 3L;
            }
            if (s < 0)
            {
                throw new IllegalArgumentException("overflow");
            }
            super(s);
            this.extra = s ^ 0x5555;
        }
    }

    /** An inner (non-static) class using its outer instance. */
    final class Inner
    {
        long twice(final long x)
        {
            return x * 2 + outerField;
        }
    }

    private long outerField = 7;

    static long tryCatchFinally(final int n)
    {
        long acc = 0;
        for (int i = 0; i < n; i++)
        {
            try
            {
                if (i % 7 == 0)
                {
                    throw new IllegalStateException("seven");
                }
                acc += i;
            }
            catch (final IllegalStateException ex)
            {
                acc -= 3;
                continue;
            }
            finally
            {
                acc ^= 1;
            }
            try
            {
                acc += Integer.parseInt(i % 5 == 0 ? "x" : Integer.toString(i));
            }
            catch (final NumberFormatException ex)
            {
                acc += 100;
            }
        }
        return acc;
    }

    static long switches(final int n)
    {
        long acc = 0;
        final String[] words = {"alpha", "beta", "gamma", "delta"};
        for (int i = 0; i < n; i++)
        {
            switch (i % 5) // tableswitch
            {
                case 0:
                    acc += 1;
                    break;
                case 1:
                    acc += 10;
                    // fall through
                case 2:
                    acc += 100;
                    break;
                case 3:
                    acc -= 7;
                    break;
                default:
                    acc ^= i;
            }
            switch (i * 1000) // lookupswitch
            {
                case 0 -> acc += 2;
                case 5000 -> acc += 3;
                case 1_000_000 -> acc += 5;
                default -> acc += 0;
            }
            acc += switch (words[i % words.length]) // string switch
            {
                case "alpha" -> 1;
                case "beta" -> 2;
                case "gamma" -> 3;
                default -> 4;
            };
        }
        return acc;
    }

    static long lambdas(final int n)
    {
        final IntUnaryOperator square = x -> x * x;
        final List<LongSupplier> suppliers = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            final int k = i;
            suppliers.add(() ->
            {
                long s = 0;
                for (int j = 0; j <= k; j++)
                {
                    s += square.applyAsInt(j);
                }
                return s;
            });
        }
        long total = 0;
        for (final LongSupplier s : suppliers)
        {
            total += s.getAsLong();
        }
        total += IntStream.range(0, n).map(square).filter(x -> (x & 1) == 0).sum();
        final Map<Integer, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++)
        {
            counts.merge(i % 3, 1, Integer::sum);
        }
        return total + counts.get(0) * 1000L;
    }

    static double twoSlotLocals(final int n)
    {
        double d = 1.5;
        long l = 3;
        for (int i = 0; i < n; i++)
        {
            d = d * 1.0001 + l;
            l = l * 31 + (long)d;
        }
        return d + l;
    }

    static long doWhileAndArrays(final int n)
    {
        final int[][] grid = new int[8][8];
        int i = 0;
        do
        {
            grid[i % 8][(i * 3) % 8] += i;
            i++;
        }
        while (i < n);
        long sum = 0;
        for (final int[] row : grid)
        {
            for (final int v : row)
            {
                sum = sum * 7 + v;
            }
        }
        return sum;
    }

    static long merged(final int n)
    {
        // Two types meet here: the stack map needs their common super class.
        final java.util.AbstractList<Integer> list = n % 2 == 0 ? new ArrayList<>() : new java.util.LinkedList<>();
        for (int i = 0; i < n; i++)
        {
            list.add(i);
        }
        return list.size();
    }

    static long varargs(final long... xs)
    {
        long s = 0;
        for (final long x : xs)
        {
            s += x;
        }
        return s;
    }

    static long tryWithResources(final int n)
    {
        final long[] closed = new long[1];
        long acc = 0;
        for (int i = 0; i < n; i++)
        {
            try (AutoCloseable ignored = () -> closed[0]++)
            {
                acc += i;
            }
            catch (final Exception ex)
            {
                throw new IllegalStateException(ex);
            }
        }
        return acc * 31 + closed[0];
    }

    /**
     * @param n size of every shape's work.
     * @return all results folded.
     */
    public static long checksum(final int n)
    {
        long c = 17;
        c = c * 31 + new Rect(3, n).scaled(n);
        c = c * 31 + Shape.unit().scaled(5);
        for (final Color a : Color.values())
        {
            for (final Color b : Color.values())
            {
                c = c * 31 + a.mix(b);
            }
        }
        c = c * 31 + eval(new Add(new Num(n), new Mul(new Num(3), new Add(new Num(1), new Num(n)))));
        c = c * 31 + eval(new Mul(new Num(0), new Num(n)));
        final Derived d = new Derived(n);
        c = c * 31 + d.seed + d.extra;
        final Shapes outer = new Shapes();
        c = c * 31 + outer.new Inner().twice(n);
        c = c * 31 + tryCatchFinally(n);
        c = c * 31 + switches(n);
        c = c * 31 + lambdas(n);
        c = c * 31 + Double.doubleToLongBits(twoSlotLocals(n));
        c = c * 31 + doWhileAndArrays(n);
        c = c * 31 + varargs(1, 2, 3, n);
        c = c * 31 + merged(n) + merged(n + 1);
        c = c * 31 + tryWithResources(n);
        c = c * 31 + Loops.nested(n, 3) + Loops.fib(15) + Loops.spin(n);
        try
        {
            new Rect(-1, 2);
        }
        catch (final IllegalArgumentException ex)
        {
            c = c * 31 + 99;
        }
        return c;
    }
}
