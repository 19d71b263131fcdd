package org.pnnlab.experiments.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pnnlab.api.run.ProcessInfo;
import org.pnnlab.api.run.RunStore;

class CellClaimTest {
    @Test
    void aClaimIsHeldOnceAndReleased(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("e").resolve("run.claim");
        Optional<CellClaim> a = CellClaim.tryAcquire(file, "s");
        assertTrue(a.isPresent());
        assertEquals(new CellClaim.Holder(ProcessInfo.current(), "s"), CellClaim.read(file));
        assertTrue(CellClaim.tryAcquire(file, "s").isEmpty(), "held by a live process (this one)");
        a.get().close();
        assertFalse(Files.exists(file));
        try (Stream<Path> s = Files.list(file.getParent())) {
            assertEquals(List.of(), s.toList(), "no temporary files left");
        }
        assertTrue(CellClaim.tryAcquire(file, "s").isPresent());
    }

    @Test
    void racingClaimantsGetItExactlyOnce(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("run.claim");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            results.add(pool.submit(() -> {
                go.await();
                return CellClaim.tryAcquire(file, "s").isPresent();
            }));
        }
        go.countDown();
        int won = 0;
        for (Future<Boolean> f : results) won += f.get() ? 1 : 0;
        pool.shutdown();
        assertEquals(1, won);
    }

    @Test
    void aClaimOfADeadProcessIsTakenOverButNotOneOfAnotherHost(@TempDir Path tmp) throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        ProcessInfo me = ProcessInfo.current();
        Path file = tmp.resolve("run.claim");
        RunStore.mapper().writeValue(file.toFile(), new CellClaim.Holder(new ProcessInfo(gone.pid(), me.host(), null), "old"));
        Optional<CellClaim> c = CellClaim.tryAcquire(file, "new");
        assertTrue(c.isPresent(), "the dead runner's claim is stale");
        assertEquals(new CellClaim.Holder(me, "new"), CellClaim.read(file));
        c.get().close();
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of(), s.toList(), "the stale claim is gone too");
        }

        RunStore.mapper().writeValue(file.toFile(), new CellClaim.Holder(new ProcessInfo(gone.pid(), "elsewhere", null), "x"));
        assertTrue(CellClaim.tryAcquire(file, "new").isEmpty(), "a process on another host may be alive");
    }
}
