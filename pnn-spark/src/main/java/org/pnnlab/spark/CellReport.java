package org.pnnlab.spark;

import java.io.Serializable;
import org.pnnlab.experiments.study.CellResult;

/**
 * What one Spark task did with its cell, sent back to the driver.
 *
 * @param runId the cell's run id
 * @param result what became of it
 * @param attempt the task's attempt number (0: first; a retried task's is higher)
 * @param host the executor's host
 * @param seconds how long the task ran
 */
record CellReport(String runId, CellResult result, int attempt, String host, double seconds) implements Serializable {
}
