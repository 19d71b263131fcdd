package org.pnnlab.api.run;

/** Where a run ran: enough to tell two runs' setups apart. */
public record EnvironmentInfo(String javaVersion, String javaVendor, String os, int cpus, String nd4jBackend,
                             String blas, String gitCommit, String pnnVersion) {
}
