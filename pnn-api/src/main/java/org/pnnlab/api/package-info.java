@NullMarked
package org.pnnlab.api;

import org.jspecify.annotations.NullMarked;
