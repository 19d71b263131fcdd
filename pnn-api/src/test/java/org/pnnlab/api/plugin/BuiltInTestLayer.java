package org.pnnlab.api.plugin;

import java.util.List;
import org.pnnlab.api.LayerBlock;
import org.pnnlab.api.LayerContext;
import org.pnnlab.api.LayerParams;
import org.pnnlab.api.LayerPlugin;
import org.pnnlab.api.ParamSpec;

/** A layer plugin on the test class path: "built-in" for these tests. */
public final class BuiltInTestLayer implements LayerPlugin {
    @Override
    public String id() {
        return "builtin-test";
    }

    @Override
    public String description() {
        return "test";
    }

    @Override
    public List<ParamSpec> parameters() {
        return List.of();
    }

    @Override
    public LayerBlock create(LayerParams params, LayerContext context) {
        throw new UnsupportedOperationException();
    }
}
