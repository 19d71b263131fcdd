/**
 * DL4J layer configurations and runtime layers behind the plugins. The fully qualified class names are
 * stored in saved models: do not rename or move these classes.
 */
@NullMarked
package org.pnnlab.layers.dl4j;

import org.jspecify.annotations.NullMarked;
