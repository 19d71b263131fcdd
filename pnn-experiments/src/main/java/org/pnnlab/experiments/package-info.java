/** Named experiments (presets of the typed run configuration), evaluation and the helpers of training. */
@NullMarked
package org.pnnlab.experiments;

import org.jspecify.annotations.NullMarked;
