/** Named experiments, the trainer and evaluation. */
@NullMarked
package org.pnnlab.experiments;

import org.jspecify.annotations.NullMarked;
