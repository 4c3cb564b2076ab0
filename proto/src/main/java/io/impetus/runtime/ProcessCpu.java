package io.impetus.runtime;

import java.lang.management.ManagementFactory;

/**
 * CPU time used by this whole process (all threads, user and system), for accounting where a
 * run's CPU goes on a machine whose cores the shards and workers share.
 */
public final class ProcessCpu {
  private ProcessCpu() {}

  /** Seconds of CPU this process has used so far, or NaN where the JVM cannot tell. */
  public static double seconds() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      long nanos = os.getProcessCpuTime();
      return nanos < 0 ? Double.NaN : nanos / 1e9;
    }
    return Double.NaN;
  }
}
