/**
 * CPU placement: which CPUs this JVM may use, the sysfs topology, bind policies, and the pinning
 * plan (a CPU per scheduler). Leaf package: depends on the API's configuration types and the
 * native bridge only.
 */
package dev.spindle.internal.placement;
