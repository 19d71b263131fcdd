/**
 * Turns saved runs ({@code runs/<experiment>/<run-id>/run.json}) into one self-contained HTML report:
 * a comparison table, per-group statistics over seeds and inline SVG learning curves.
 * Entry points: {@link org.pnnlab.report.ReportCommand} (folder to file) and
 * {@link org.pnnlab.report.ReportGenerator} (records to HTML text).
 */
@NullMarked
package org.pnnlab.report;

import org.jspecify.annotations.NullMarked;
