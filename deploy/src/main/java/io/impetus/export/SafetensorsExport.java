package io.impetus.export;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a checkpoint's parameters as the safetensors file of the equivalent PyTorch
 * {@code nn.Sequential}: the tensors {@link TorchSequential} names, and the metadata {@code model},
 * {@code hidden} (comma-separated widths, empty for none), {@code checkpoint_version},
 * {@code num_shards} and {@code format} ({@code pt}, which tells loaders the names are PyTorch's).
 */
public final class SafetensorsExport {
  private SafetensorsExport() {}

  /**
   * Writes {@code checkpoint} to {@code out} under {@code torch}'s names.
   *
   * @throws IllegalArgumentException naming both when the checkpoint's model or layout is not
   *     {@code torch}'s (another model, or other hidden widths)
   */
  public static void write(FullCheckpoint checkpoint, TorchSequential torch, Path out) throws IOException {
    if (!checkpoint.model().equals(torch.model())) {
      throw new IllegalArgumentException("the checkpoint holds model '" + checkpoint.model() + "', not '"
          + torch.model() + "'");
    }
    if (checkpoint.fingerprint() != torch.layout().fingerprint()
        || checkpoint.params().length != torch.layout().numParams()) {
      throw new IllegalArgumentException("the checkpoint's " + checkpoint.params().length + " parameters of model '"
          + checkpoint.model() + "' do not have the layout of " + describe(torch) + " (" + torch.layout().numParams()
          + " parameters): give the run's --hidden");
    }
    List<SafetensorsWriter.Tensor> tensors = new ArrayList<>();
    for (TorchSequential.TorchTensor t : torch.tensors()) {
      tensors.add(new SafetensorsWriter.Tensor(t.name(), t.shape(), checkpoint.params(), Math.toIntExact(t.offset())));
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("format", "pt");
    metadata.put("model", torch.model());
    metadata.put("hidden", torch.hiddenText());
    metadata.put("checkpoint_version", Long.toString(checkpoint.version()));
    metadata.put("num_shards", Integer.toString(checkpoint.numShards()));
    SafetensorsWriter.write(out, tensors, metadata);
  }

  /** e.g. {@code mlp with hidden widths 256,128}. */
  static String describe(TorchSequential torch) {
    return torch.model().equals("mlp") ? "mlp with hidden widths " + torch.hiddenText() : torch.model();
  }
}
