/**
 * Plugins from outside jars: {@link org.pnnlab.api.plugin.Plugins} finds the jars (in {@code plugins/}, the
 * folders of {@code $PNN_PLUGINS} and folders named on the command line) and opens one class loader over them;
 * {@link org.pnnlab.api.plugin.PluginServices} loads a {@link java.util.ServiceLoader} service through it and
 * says where each provider came from. Every registry (layers, models, experiments, feedback architectures)
 * is filled through that one loader.
 */
@NullMarked
package org.pnnlab.api.plugin;

import org.jspecify.annotations.NullMarked;
