package io.impetus.cli;

import io.impetus.optim.OptimizerConfig;
import io.impetus.optim.OptimizerKind;
import io.impetus.shard.ConsistencyMode;
import io.impetus.shard.ServerConfig;
import io.impetus.shard.ShardServer;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.cli.Options;

/** {@code impetus server}: hosts one shard of the parameter server until stopped. */
public final class ServerCommand implements Command {
  /** The line a server prints on stdout once it listens, followed by the port; the local launcher waits for it. */
  public static final String LISTENING = "IMPETUS_LISTENING";

  static final OptimizerConfig DEFAULT_OPTIMIZER = OptimizerConfig.defaults(OptimizerKind.SGD, 0.01);

  @Override
  public String name() {
    return "server";
  }

  @Override
  public String summary() {
    return "host one parameter-server shard";
  }

  @Override
  public String footer() {
    return "\nExample: impetus server --shard-index 0 --num-shards 2 --port 7070 --workers 4 --optimizer adam --lr 0.001\n"
        + "Environment fallbacks: IMPETUS_PORT, IMPETUS_SHARD_INDEX, IMPETUS_NUM_SHARDS, IMPETUS_WORKERS.";
  }

  @Override
  public Options options() {
    Options o = new Options();
    o.addOption(OptimizerFlags.valued("host", "ADDR", "address to bind (default 0.0.0.0)"));
    o.addOption(OptimizerFlags.valued("port", "PORT", "port to listen on; 0 picks a free one (default 7070)"));
    o.addOption(OptimizerFlags.valued("shard-index", "I", "which shard of the plan this process hosts (default 0)"));
    o.addOption(OptimizerFlags.valued("num-shards", "S", "number of shards in the plan (default 1)"));
    o.addOption(OptimizerFlags.valued("workers", "N", "number of workers; sync mode waits for all of them (default 1)"));
    ConsistencyFlags.addTo(o);
    OptimizerFlags.addTo(o, DEFAULT_OPTIMIZER);
    return o;
  }

  /** The config the flags describe. */
  public static ServerConfig parse(Flags f) {
    try {
      ServerConfig base = new ServerConfig(
          f.stringOr("host", "0.0.0.0"),
          f.integer("port", 7070, "IMPETUS_PORT"),
          f.integer("shard-index", 0, "IMPETUS_SHARD_INDEX"),
          f.integer("num-shards", 1, "IMPETUS_NUM_SHARDS"),
          f.integer("workers", 1, "IMPETUS_WORKERS"),
          ConsistencyMode.ASYNC,
          OptimizerFlags.parse(f, DEFAULT_OPTIMIZER));
      return ConsistencyFlags.apply(f, base);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** The arguments (after {@code server}) that reproduce {@code c}. */
  public static List<String> toArgs(ServerConfig c) {
    List<String> a = new ArrayList<>();
    OptimizerFlags.add(a, "host", c.host());
    OptimizerFlags.add(a, "port", Integer.toString(c.port()));
    OptimizerFlags.add(a, "shard-index", Integer.toString(c.shardIndex()));
    OptimizerFlags.add(a, "num-shards", Integer.toString(c.numShards()));
    OptimizerFlags.add(a, "workers", Integer.toString(c.workers()));
    a.addAll(ConsistencyFlags.toArgs(c));
    a.addAll(ConsistencyFlags.boundArgs(c));
    a.addAll(OptimizerFlags.toArgs(c.optimizer()));
    return a;
  }

  @Override
  public int run(Flags flags) throws Exception {
    ServerConfig config = parse(flags);
    ShardServer server =
        new ShardServer(ShardServer.netty(config), config)
            .start();
    Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "shard-shutdown"));
    System.out.println(LISTENING + " " + server.port());
    System.out.flush();
    server.awaitTermination();
    return 0;
  }
}
