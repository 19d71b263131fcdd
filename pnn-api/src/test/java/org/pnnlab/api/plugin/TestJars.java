package org.pnnlab.api.plugin;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Builds small plugin jars from Java source at test time, so their classes are not on the test class path. */
final class TestJars {
    private TestJars() {
    }

    /**
     * Compiles {@code sources} (class name to source) against the test class path and writes them with the
     * {@code services} files (service interface to provider lines) into {@code jar}.
     */
    static Path build(Path jar, Map<String, String> sources, Map<String, String> services) throws IOException {
        Path work = Files.createTempDirectory(jar.getParent(), "src");
        Path classes = Files.createDirectories(work.resolve("classes"));
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-classpath",
                System.getProperty("java.class.path"), "-proc:none", "--release", "17"));
        for (Map.Entry<String, String> s : sources.entrySet()) {
            Path f = work.resolve(s.getKey().replace('.', '/') + ".java");
            Files.createDirectories(f.getParent());
            Files.writeString(f, s.getValue());
            args.add(f.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac.run(null, null, null, args.toArray(String[]::new)) != 0) throw new IllegalStateException("javac failed");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, out);
            }
            for (Map.Entry<String, String> s : services.entrySet()) {
                out.putNextEntry(new JarEntry("META-INF/services/" + s.getKey()));
                OutputStream o = out;
                o.write((s.getValue() + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        return jar;
    }

    /** A layer plugin class {@code pkg.Name} with this id. */
    static String layer(String className, String id) {
        int dot = className.lastIndexOf('.');
        return "package " + className.substring(0, dot) + ";\n"
                + "public final class " + className.substring(dot + 1) + " implements org.pnnlab.api.LayerPlugin {\n"
                + "  public String id() { return \"" + id + "\"; }\n"
                + "  public String description() { return \"from a jar\"; }\n"
                + "  public java.util.List<org.pnnlab.api.ParamSpec> parameters() { return java.util.List.of(); }\n"
                + "  public org.pnnlab.api.LayerBlock create(org.pnnlab.api.LayerParams p, org.pnnlab.api.LayerContext c) {\n"
                + "    throw new UnsupportedOperationException(); }\n}\n";
    }
}
