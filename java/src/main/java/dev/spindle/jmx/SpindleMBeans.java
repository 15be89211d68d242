package dev.spindle.jmx;

import dev.spindle.Node;

import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Registers a node's MXBeans with an MBean server:
 *
 * <pre>{@code
 * try (Node node = Node.start();
 *      SpindleMBeans.Registration jmx = SpindleMBeans.register(node)) {
 *     ...   // dev.spindle:type=Node,node=0 and dev.spindle:type=Scheduler,node=0,scheduler=<i>
 * }
 * }</pre>
 *
 * The beans keep the node reachable until the registration is closed; a closed node's beans show
 * the figures captured at close.
 */
public final class SpindleMBeans
{
    /** The JMX domain of every Spindle bean. */
    public static final String DOMAIN = "dev.spindle";
    /** How long one reading of a node's counters serves every attribute read, in milliseconds. */
    public static final long SNAPSHOT_MILLIS = 100;

    private SpindleMBeans()
    {
    }

    /**
     * Registers the node's beans with the platform MBean server.
     *
     * @param node a node (open or closed).
     * @return the registration; close it to unregister.
     * @throws IllegalStateException when beans of this node are already registered there.
     */
    public static Registration register(final Node node)
    {
        return register(node, ManagementFactory.getPlatformMBeanServer());
    }

    /**
     * Registers the node's beans with the given MBean server.
     *
     * @param node   a node (open or closed).
     * @param server where to register.
     * @return the registration; close it to unregister.
     * @throws IllegalStateException when beans of this node are already registered there.
     */
    public static Registration register(final Node node, final MBeanServer server)
    {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(server, "server");
        final Readings readings = new Readings(node, SNAPSHOT_MILLIS * 1_000_000L);
        final List<ObjectName> done = new ArrayList<>();
        try
        {
            register(server, new NodeBean(readings), nodeName(node.id()), done);
            for (int i = 0; i < node.schedulers(); i++)
            {
                register(server, new SchedulerBean(readings, i), schedulerName(node.id(), i), done);
            }
        }
        catch (final RuntimeException ex)
        {
            new Registration(server, done).close(); // none half-registered
            throw ex;
        }
        return new Registration(server, done);
    }

    private static void register(final MBeanServer server, final Object bean, final ObjectName name, final List<ObjectName> done)
    {
        try
        {
            server.registerMBean(bean, name);
            done.add(name);
        }
        catch (final InstanceAlreadyExistsException ex)
        {
            throw new IllegalStateException(name + " is already registered: this node's beans were registered before and not closed", ex);
        }
        catch (final JMException ex)
        {
            throw new IllegalStateException("could not register " + name + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * @param node a node's id.
     * @return the name of its node bean: {@code dev.spindle:type=Node,node=<id>}.
     */
    public static ObjectName nodeName(final int node)
    {
        return name(DOMAIN + ":type=Node,node=" + node);
    }

    /**
     * @param node      a node's id.
     * @param scheduler a scheduler's index.
     * @return the name of its bean: {@code dev.spindle:type=Scheduler,node=<id>,scheduler=<i>}.
     */
    public static ObjectName schedulerName(final int node, final int scheduler)
    {
        return name(DOMAIN + ":type=Scheduler,node=" + node + ",scheduler=" + scheduler);
    }

    private static ObjectName name(final String name)
    {
        try
        {
            return new ObjectName(name);
        }
        catch (final MalformedObjectNameException ex)
        {
            throw new IllegalArgumentException(name, ex);
        }
    }

    /** Registered beans; closing unregisters them (idempotent). */
    public static final class Registration implements AutoCloseable
    {
        private final MBeanServer server;
        private final List<ObjectName> names;
        private boolean closed;

        private Registration(final MBeanServer server, final List<ObjectName> names)
        {
            this.server = server;
            this.names = List.copyOf(names);
        }

        /** @return the names registered: the node's first, then one per scheduler. */
        public List<ObjectName> names()
        {
            return names;
        }

        /** Unregisters the beans; names already gone are skipped. */
        @Override
        public synchronized void close()
        {
            if (closed)
            {
                return;
            }
            closed = true;
            IllegalStateException failed = null;
            for (final ObjectName n : names)
            {
                try
                {
                    server.unregisterMBean(n);
                }
                catch (final InstanceNotFoundException ex)
                {
                    // someone unregistered it already: nothing left to do
                }
                catch (final JMException ex)
                {
                    if (failed == null) // go on with the others, report the first failure
                    {
                        failed = new IllegalStateException("could not unregister " + n + ": " + ex.getMessage(), ex);
                    }
                }
            }
            if (failed != null)
            {
                throw failed;
            }
        }
    }
}
