import java.util.Arrays;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;

/**
 * The official ZooKeeper client as the benchmark peer of JobLog's client.
 * Usage: ZkPeerBench CONNECTION get|set OUTSTANDING COUNT PAYLOAD_BYTES [WARMUP_MS]
 * Prints one line on stdout: ops_per_sec=... p50_us=... p99_us=...
 */
public final class ZkPeerBench {
    public static void main(String[] args) throws Exception {
        if (args.length != 5 && args.length != 6) {
            System.err.println("usage: ZkPeerBench CONNECTION get|set OUTSTANDING COUNT PAYLOAD_BYTES [WARMUP_MS]");
            System.exit(2);
        }
        String connection = args[0];
        String operation = args[1];
        int outstanding = Integer.parseInt(args[2]);
        int count = Integer.parseInt(args[3]);
        byte[] payload = new byte[Integer.parseInt(args[4])];
        Arrays.fill(payload, (byte) 'x');
        long warmupNanos = TimeUnit.MILLISECONDS.toNanos(args.length == 6 ? Long.parseLong(args[5]) : 2000);
        if (!operation.equals("get") && !operation.equals("set")) {
            System.err.println("operation must be get or set");
            System.exit(2);
        }

        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper zk = new ZooKeeper(connection, 30000, event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        try {
            if (!connected.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not connected to " + connection + " within 30 s");
            }
            String path = zk.create("/bench-peer-" + UUID.randomUUID(), payload, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);

            // A fresh JVM interprets the client until C2 compiles it (some 10^4 calls), which would triple p99 at one
            // outstanding; warming up for a fixed time, the same on the C# side, measures both compiled.
            long warmupStarted = System.nanoTime();
            while (System.nanoTime() - warmupStarted < warmupNanos) {
                run(zk, path, operation, outstanding, 1000, payload);
            }
            long started = System.nanoTime();
            long[] latencies = run(zk, path, operation, outstanding, count, payload);
            double seconds = (System.nanoTime() - started) / 1e9;

            zk.delete(path, -1);
            Arrays.sort(latencies);
            System.out.println(String.format(Locale.ROOT, "ops_per_sec=%.1f p50_us=%.1f p99_us=%.1f",
                count / seconds, percentile(latencies, 0.50) / 1e3, percentile(latencies, 0.99) / 1e3));
        } finally {
            zk.close();
        }
    }

    /** Issues count requests through the async API, never more than outstanding at once; returns each latency in ns. */
    private static long[] run(ZooKeeper zk, String path, String operation, int outstanding, int count, byte[] payload)
            throws InterruptedException, KeeperException {
        long[] latencies = new long[count];
        Semaphore window = new Semaphore(outstanding);
        CountDownLatch done = new CountDownLatch(count);
        AtomicInteger completed = new AtomicInteger();
        AtomicReference<KeeperException.Code> failure = new AtomicReference<>();

        AsyncCallback.DataCallback onGet = (rc, p, ctx, data, stat) -> complete(rc, (long) ctx, latencies, completed, failure, window, done);
        AsyncCallback.StatCallback onSet = (rc, p, ctx, stat) -> complete(rc, (long) ctx, latencies, completed, failure, window, done);

        for (int i = 0; i < count && failure.get() == null; i++) {
            window.acquire();
            long started = System.nanoTime();
            if (operation.equals("get")) {
                zk.getData(path, false, onGet, started);
            } else {
                zk.setData(path, payload, -1, onSet, started);
            }
        }
        if (failure.get() == null && !done.await(300, TimeUnit.SECONDS)) {
            throw new IllegalStateException("requests did not complete within 300 s");
        }
        if (failure.get() != null) {
            throw KeeperException.create(failure.get(), path);
        }
        return latencies;
    }

    private static void complete(int rc, long started, long[] latencies, AtomicInteger completed,
            AtomicReference<KeeperException.Code> failure, Semaphore window, CountDownLatch done) {
        long elapsed = System.nanoTime() - started;
        if (rc != KeeperException.Code.OK.intValue()) {
            failure.compareAndSet(null, KeeperException.Code.get(rc));
        }
        latencies[completed.getAndIncrement()] = elapsed;
        window.release();
        done.countDown();
    }

    /** Nearest rank, as JobLog.Bench.Stats.Percentile computes it. */
    private static long percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(rank, sorted.length - 1))];
    }
}
