/**
 * Runs a study on Apache Spark: {@code pnn study run FILE --spark MASTER}, or {@code spark-submit --class
 * org.pnnlab.spark.SparkStudyMain} with the assembly jar on a cluster. One Spark task per cell (one partition per
 * cell); the cells, claims, run folders and run records are those of the local study runner, because each task runs
 * its cell with the same {@link org.pnnlab.experiments.study.CellLauncher}.
 *
 * <p><b>Spark version:</b> 4.0.4, the current patch of Spark's 4.0 line, which is built for Java 17 (Scala 2.13) and
 * uses the same Jackson minor (2.18), SLF4J 2 and Log4j2 as the project, so the driver and executors load one version
 * of each.
 *
 * <p><b>A cell runs as a child process of the executor, not inside the executor's JVM</b>, for four reasons: ND4J
 * keeps its arrays in native memory freed only when the garbage collector gets to them, so cells trained one after
 * another in a long-lived executor would pile up native memory the executor's heap limit does not see; ND4J's
 * OpenMP/BLAS thread count is fixed when its native library loads, once per JVM, while each child gets exactly the
 * task's cores ({@code spark.task.cpus}) through its environment; a run's shutdown hook (which marks its record
 * interrupted) and its {@code System.exit} belong to a process of its own, not to an executor that outlives it; and
 * the cell's log goes to its own file ({@code <runs>/studies/<study>/logs/<run-id>.log}) with the framework's log
 * configuration rather than into Spark's. A killed task stops its child (SIGTERM: the record says interrupted, a later
 * attempt resumes it from the checkpoint). Starting a JVM costs a second or two per cell, nothing against training.
 */
@NullMarked
package org.pnnlab.spark;

import org.jspecify.annotations.NullMarked;
