/** The experiment SPI: named experiments, each a Guice module that binds what its run needs. */
@NullMarked
package org.pnnlab.api.experiment;

import org.jspecify.annotations.NullMarked;
