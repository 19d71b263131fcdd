/** CNN-F (NeurIPS'20) models: feedback architectures built from the feedback layer plugins. */
@NullMarked
package org.pnnlab.models.cnnf;

import org.jspecify.annotations.NullMarked;
