package io.impetus.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.impetus.export.FullCheckpoint;
import io.impetus.export.SafetensorsExport;
import io.impetus.export.TorchSequential;
import io.impetus.model.DataOptions;
import io.impetus.model.Mlp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.commons.cli.Options;

/**
 * {@code impetus export CHECKPOINT_OR_RUN_DIR --format safetensors OUT}: the newest complete
 * checkpoint of a run folder ({@code RUN_DIR/checkpoints}) or of a checkpoint folder (one holding
 * {@code shard-0}, …) as a safetensors file that the equivalent PyTorch {@code nn.Sequential} loads
 * (see docs/checkpoints.md). The model comes from the checkpoint; the hidden widths of {@code mlp} from
 * {@code --hidden}, else the run's summary.json, else the default, and must match the checkpoint's
 * layout.
 */
public final class ExportCommand implements Command {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FORMAT = "safetensors";

  @Override
  public String name() {
    return "export";
  }

  @Override
  public String summary() {
    return "write a checkpoint's parameters as a safetensors file for PyTorch";
  }

  @Override
  public String positional() {
    return "CHECKPOINT_OR_RUN_DIR OUT";
  }

  @Override
  public String footer() {
    return "\nExample: impetus export runs/exp --format safetensors model.safetensors\n"
        + "Reads the newest version every shard has a complete checkpoint of. Tensors are named as in the state_dict"
        + " of the equivalent nn.Sequential of Linear and ReLU layers (0.weight [out, in], 0.bias, 2.weight, ...);"
        + " models: " + String.join(", ", TorchSequential.SUPPORTED) + ".\n"
        + "deploy/bench/torch_load_safetensors.py loads the file and prints the test accuracy.";
  }

  @Override
  public Options options() {
    Options o = new Options();
    o.addOption(OptimizerFlags.valued("format", "FORMAT", "the output format: " + FORMAT + " (the only one)"));
    o.addOption(OptimizerFlags.valued("model", "NAME",
        "the model the checkpoint holds (default: the one it names; it must agree)"));
    o.addOption(OptimizerFlags.valued("hidden", "W1,W2,...",
        "hidden widths of an mlp checkpoint (default: the run folder's summary.json, else "
            + Mlp.DEFAULT_HIDDEN[0] + "," + Mlp.DEFAULT_HIDDEN[1] + ")"));
    return o;
  }

  @Override
  public int run(Flags flags) throws Exception {
    if (flags.positional().size() != 2) {
      throw new UsageException("give CHECKPOINT_OR_RUN_DIR and OUT, got " + flags.positional().size() + " argument"
          + (flags.positional().size() == 1 ? "" : "s"));
    }
    String format = flags.string("format");
    if (format == null) {
      throw new UsageException("--format is required (" + FORMAT + ")");
    }
    if (!format.toLowerCase(Locale.ROOT).equals(FORMAT)) {
      throw new UsageException("--format: unknown format '" + format + "' (expected " + FORMAT + ")");
    }
    Path checkpoints = checkpointFolder(Path.of(flags.positional().get(0)));
    Path out = Path.of(flags.positional().get(1));
    FullCheckpoint checkpoint = FullCheckpoint.newest(checkpoints);
    String model = flags.stringOr("model", checkpoint.model());
    if (flags.has("model") && !TorchSequential.SUPPORTED.contains(model)) {
      throw new UsageException("--model: model '" + model + "' cannot be exported (supported: "
          + String.join(", ", TorchSequential.SUPPORTED) + ")");
    }
    if (flags.has("hidden") && !model.equals("mlp")) {
      throw new UsageException("--hidden applies to mlp only, the model is " + model);
    }
    TorchSequential torch = TorchSequential.of(model, hidden(flags, checkpoints));
    SafetensorsExport.write(checkpoint, torch, out);
    System.out.printf(Locale.ROOT, "wrote %s: model %s%s, %d parameters, checkpoint version %d of %d shard%s%n", out,
        model, model.equals("mlp") ? " (hidden " + torch.hiddenText() + ")" : "", checkpoint.params().length,
        checkpoint.version(), checkpoint.numShards(), checkpoint.numShards() == 1 ? "" : "s");
    return 0;
  }

  /** {@code dir/checkpoints} for a run folder, {@code dir} itself for a checkpoint folder. */
  static Path checkpointFolder(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new UsageException((Files.exists(dir) ? "not a folder: " : "no such folder: ") + dir);
    }
    if (Files.isDirectory(dir.resolve("shard-0"))) {
      return dir;
    }
    if (Files.isDirectory(dir.resolve("checkpoints"))) {
      return dir.resolve("checkpoints");
    }
    throw new UsageException(dir + " is neither a run folder with checkpoints/ nor a checkpoint folder with shard-0/");
  }

  /** --hidden, else the hidden widths in the summary.json beside the checkpoint folder, else the default. */
  private static int[] hidden(Flags flags, Path checkpoints) throws IOException {
    if (flags.has("hidden")) {
      try {
        return DataOptions.parseHidden(flags.string("hidden"));
      } catch (IllegalArgumentException e) {
        throw new UsageException("--hidden: " + e.getMessage());
      }
    }
    Path parent = checkpoints.toAbsolutePath().getParent();
    Path summary = parent == null ? null : parent.resolve("summary.json");
    if (summary != null && Files.isRegularFile(summary)) {
      JsonNode widths = JSON.readTree(summary.toFile()).path("hidden");
      if (widths.isArray() && !widths.isEmpty()) {
        int[] h = new int[widths.size()];
        for (int i = 0; i < h.length; i++) {
          h[i] = widths.get(i).asInt();
        }
        return h;
      }
    }
    return Mlp.DEFAULT_HIDDEN.clone();
  }
}
