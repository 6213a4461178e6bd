package dev.virtlint.lint;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs {@code work} over the inputs on several threads and hands the results to {@code sink} in input
 * order, on the calling thread. At most a small window of results is in flight, so memory stays flat
 * however many inputs there are: a result is dropped as soon as the sink has it.
 */
public final class OrderedParallel {
    private static final int WINDOW_PER_THREAD = 4;

    private OrderedParallel() {
    }

    public static <I, O> void run(List<I> inputs, int threads, Function<I, O> work, Consumer<O> sink) {
        if (threads <= 1 || inputs.size() <= 1) {
            for (I input : inputs) {
                sink.accept(work.apply(input));
            }
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "virt-lint-worker");
            thread.setDaemon(true);
            return thread;
        });
        try {
            Deque<Future<O>> inFlight = new ArrayDeque<>();
            Iterator<I> pending = inputs.iterator();
            int window = threads * WINDOW_PER_THREAD;
            while (pending.hasNext() || !inFlight.isEmpty()) {
                while (pending.hasNext() && inFlight.size() < window) {
                    I input = pending.next();
                    inFlight.addLast(pool.submit(() -> work.apply(input)));
                }
                sink.accept(await(inFlight.removeFirst()));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static <O> O await(Future<O> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while linting", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause);
        }
    }
}
