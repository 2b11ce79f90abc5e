package dev.harbormaster.cel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompilerFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The build step's recorder is filled by a load that compiles documents in parallel. */
class BundledChecksRecorderTest {

    @Test
    void keepsEveryExpressionPutFromSeveralThreadsAtOnce() throws Exception {
        CelAbstractSyntaxTree ast = CelCompilerFactory.standardCelCompilerBuilder().build().compile("1 + 1").getAst();
        BundledChecks.Recorder recorder = new BundledChecks.Recorder("test");
        int threads = 8;
        int each = 2_000;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> puts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                puts.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < each; i++) {
                        recorder.put("expression " + thread + "-" + i, SimpleType.DYN, ast);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> put : puts) {
                put.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(recorder.size()).isEqualTo(threads * each);
    }
}
