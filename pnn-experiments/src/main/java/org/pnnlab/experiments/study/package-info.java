/**
 * Studies: a YAML file naming a base experiment, overrides and axes (layers, models, conditions, seeds) whose
 * product is a grid of runs. {@link org.pnnlab.experiments.study.StudyReader} reads the file strictly into a
 * {@link org.pnnlab.experiments.study.StudyFile}, {@link org.pnnlab.experiments.study.Study} expands it into resolved
 * cells, and {@link org.pnnlab.experiments.study.StudyRunner} runs the missing cells as child processes, each
 * claimed by a {@link org.pnnlab.experiments.study.CellClaim} so that it runs at most once.
 */
@NullMarked
package org.pnnlab.experiments.study;

import org.jspecify.annotations.NullMarked;
