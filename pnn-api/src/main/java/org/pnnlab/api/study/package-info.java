/** Studies: a grid of runs from one file, and the manifest that tells the report which runs answer which question. */
@NullMarked
package org.pnnlab.api.study;

import org.jspecify.annotations.NullMarked;
