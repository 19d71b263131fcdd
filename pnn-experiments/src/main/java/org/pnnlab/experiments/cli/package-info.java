/** The {@code pnn} command line. */
@NullMarked
package org.pnnlab.experiments.cli;

import org.jspecify.annotations.NullMarked;
