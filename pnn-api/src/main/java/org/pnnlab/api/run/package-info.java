/** The saved-run schema ({@code run.json}) as versioned value types, and atomic reading and writing. */
@NullMarked
package org.pnnlab.api.run;

import org.jspecify.annotations.NullMarked;
