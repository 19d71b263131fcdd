/** Shared data vocabulary: how images are normalised before a model sees them. */
@NullMarked
package org.pnnlab.api.data;

import org.jspecify.annotations.NullMarked;
