/** Model builders whose convolution slots are filled from the layer registry. */
@NullMarked
package org.pnnlab.models;

import org.jspecify.annotations.NullMarked;
