package dev.spindle.internal.messages;

import java.lang.reflect.Field;

/** What the check does with an instance of one class: computed once per class by {@link ClassPlans}. */
sealed interface Plan permits Plan.Immutable, Plan.Fields, Plan.Elements, Plan.Refuse
{
    /** The one plan that needs no walk: every instance is deeply immutable. */
    Plan IMMUTABLE = new Immutable();

    /** Every instance is deeply immutable: its class settles it. */
    final class Immutable implements Plan
    {
        private Immutable()
        {
        }

        @Override
        public String toString()
        {
            return "Immutable";
        }
    }

    /**
     * All instance fields are final; the values of these ones must be checked, because their
     * declared types do not settle it ({@code Object}, an interface, a non-final class).
     *
     * @param names  the fields' names, for the path.
     * @param fields the fields, readable.
     */
    record Fields(String[] names, Field[] fields) implements Plan
    {
    }

    /**
     * A known immutable JDK container: its elements must be checked.
     *
     * @param how how to reach them.
     */
    record Elements(JdkTypes.Container how) implements Plan
    {
    }

    /**
     * Instances are not deeply immutable, whatever they hold.
     *
     * @param why   the reason, for the error.
     * @param field the offending field, or null when the class itself is the problem.
     */
    record Refuse(String why, String field) implements Plan
    {
    }
}
