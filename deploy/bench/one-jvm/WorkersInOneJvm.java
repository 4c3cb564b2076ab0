import io.impetus.cli.Impetus;

/**
 * Experiment, not a product feature: N Fashion-MNIST MLP workers as threads of one JVM, each the
 * unchanged `impetus worker` command (its own Trainer, gRPC channel and shared-memory segment), against
 * a shard started separately. Used by one-jvm.sh to measure what one JIT and one start-up for all
 * workers would be worth against impetus local's process per worker.
 *
 *   java -cp deploy/target/impetus.jar WorkersInOneJvm.java PORT N OUT_DIR [EPOCHS]
 */
public class WorkersInOneJvm {
  public static void main(String[] a) throws Exception {
    String port = a[0];
    int n = Integer.parseInt(a[1]);
    String out = a[2];
    String epochs = a.length > 3 ? a[3] : "5";
    Thread[] ts = new Thread[n];
    for (int r = 0; r < n; r++) {
      final int rank = r;
      ts[r] = new Thread(() -> {
        String[] args = String.format("worker --servers 127.0.0.1:%s --rank %d --workers %d --model mlp --batch-size 64 --epochs %s --seed 42 --metrics-file %s/worker-%d.csv --report-file %s/worker-%d.json --log-every 1 --connect-timeout 60 --worker-delay none --slowdown 1.0 --dataset fashion-mnist --hidden 256,128 %s--transport auto --shm-dir /dev/shm",
            port, rank, n, epochs, out, rank, out, rank, rank == 0 ? "--evaluate " : "").split(" ");
        int code = new Impetus().run(args, System.getenv());
        if (code != 0) {
          System.err.println("worker " + rank + " exited with " + code);
        }
      });
      ts[r].start();
    }
    for (Thread t : ts) {
      t.join();
    }
  }
}
