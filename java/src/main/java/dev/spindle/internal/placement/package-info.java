/**
 * CPU placement: how many schedulers a node runs and why ({@link dev.spindle.internal.placement.CpuBudget}:
 * the JVM's affinity mask, its cgroup CPU quota, {@link dev.spindle.internal.placement.CgroupCpuLimit},
 * and its processor count), the sysfs topology, bind policies, the pinning plan
 * ({@link dev.spindle.internal.placement.CpuPlan}), and who holds which CPU across nodes and JVMs
 * ({@link dev.spindle.internal.placement.CpuLocks}, OpenHFT's lock files). Leaf package: depends on
 * the API's configuration types and the native bridge only.
 */
package dev.spindle.internal.placement;
