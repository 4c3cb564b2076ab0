package io.impetus.export;

import io.impetus.data.ImageDatasets;
import io.impetus.model.LinearRegression;
import io.impetus.model.Mlp;
import io.impetus.model.Mlp1D;
import io.impetus.model.ParameterLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * How a model's flat parameter vector maps onto the {@code state_dict} of the equivalent PyTorch
 * {@code nn.Sequential} of {@code nn.Linear} layers with {@code nn.ReLU} between them: layer k's
 * tensors are {@code "2k.weight"} and {@code "2k.bias"} (the ReLUs take the odd indices).
 *
 * <p>Our dense layers already store torch's layout: {@code fcK.weight} is {@code [out, in]}, row-major,
 * and computes y = x·Wᵀ + b as {@code nn.Linear} does (see {@code Dense}), so each tensor is a
 * contiguous slice of the vector, renamed and never transposed. The supported models:
 * {@code mlp} (784 → hidden… → 10, any hidden widths), {@code softmax} (784 → 10), {@code mlp-x2}
 * (1 → 20 → 1) and {@code linear} (10 → 1, tensors {@code weight} and {@code bias}).
 *
 * @param model the Impetus model name
 * @param hidden the hidden widths (empty for models without hidden layers)
 * @param layout the Impetus model's layout, whose fingerprint a checkpoint must carry
 * @param tensors the PyTorch tensors, in the layout's order, each with its offset in the vector
 */
public record TorchSequential(String model, int[] hidden, ParameterLayout layout, List<TorchTensor> tensors) {

  /** The models this class can map, in the order messages list them. */
  public static final List<String> SUPPORTED = List.of("mlp", "softmax", "mlp-x2", "linear");

  /**
   * One PyTorch tensor: its name, its shape and where its values start in the flat vector.
   *
   * @param name the {@code state_dict} key, e.g. {@code 0.weight}
   * @param shape torch's shape, e.g. {@code [256, 784]}
   * @param offset the index of its first value in the flat vector
   */
  public record TorchTensor(String name, int[] shape, long offset) {}

  /** Copies the arrays and the list. */
  public TorchSequential {
    hidden = hidden.clone();
    tensors = List.copyOf(tensors);
  }

  /**
   * The mapping for model {@code model}; {@code hidden} applies to {@code mlp} only.
   *
   * @throws IllegalArgumentException naming the supported models if {@code model} is not one
   */
  public static TorchSequential of(String model, int[] hidden) {
    ParameterLayout layout;
    int[] widths;
    switch (String.valueOf(model)) {
      case "mlp" -> {
        layout = new Mlp(ImageDatasets.PIXELS, hidden, ImageDatasets.CLASSES).layout();
        widths = hidden.clone();
      }
      case "softmax" -> {
        layout = Mlp.softmaxRegression(ImageDatasets.PIXELS, ImageDatasets.CLASSES).layout();
        widths = new int[0];
      }
      case "mlp-x2" -> {
        layout = new Mlp1D().layout();
        widths = new int[] {Mlp1D.DEFAULT_HIDDEN};
      }
      case "linear" -> {
        layout = new LinearRegression().layout();
        widths = new int[0];
      }
      default -> throw new IllegalArgumentException("model '" + model + "' cannot be exported (supported: "
          + String.join(", ", SUPPORTED) + ")");
    }
    List<TorchTensor> tensors = new ArrayList<>();
    long offset = 0;
    for (ParameterLayout.TensorSpec t : layout.tensors()) {
      tensors.add(new TorchTensor(torchName(t.name()), t.shape().clone(), offset));
      offset += t.size();
    }
    return new TorchSequential(model, widths, layout, tensors);
  }

  /** {@code fcK.weight} → {@code (2(K-1)).weight}; a lone layer's {@code weight} → {@code 0.weight}. */
  private static String torchName(String name) {
    int dot = name.indexOf('.');
    if (dot < 0) {
      return "0." + name;
    }
    int layer = Integer.parseInt(name.substring(2, dot)) - 1;
    return 2 * layer + name.substring(dot);
  }

  /** The hidden widths as the command line writes them, e.g. {@code 256,128} (empty for none). */
  public String hiddenText() {
    return Arrays.stream(hidden).mapToObj(Integer::toString).collect(Collectors.joining(","));
  }
}
