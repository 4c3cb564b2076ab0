package io.impetus.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.impetus.data.DataFileException;
import io.impetus.data.Dataset;
import io.impetus.data.IdxFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCatalogTest {

  /** The workloads whose data is generated, not read from files. */
  private static final List<String> SYNTHETIC = List.of("linear", "mlp-x2", "quadratic");

  @TempDir
  static Path imageDir;

  /** A tiny stand-in for Fashion-MNIST: 20 training and 10 test images of 28×28, in the real file names. */
  @BeforeAll
  static void writeTinyImageDataSet() throws IOException {
    IdxFiles.writeDataSet(imageDir, 20, 10, 28, 28, true);
  }

  private static DataOptions tinyImages() {
    return DataOptions.defaults().withDataDir(imageDir);
  }

  @Test
  void namesEveryWorkloadAndCreatesEach() {
    assertEquals(List.of("linear", "mlp-x2", "quadratic", "softmax", "mlp", "cnn"), ModelCatalog.names());
    for (String name : ModelCatalog.names()) {
      assertEquals(name, ModelCatalog.create(name, tinyImages().withDataSeed(1)).model().name());
    }
    for (String name : SYNTHETIC) {
      assertEquals(name, ModelCatalog.create(name, 1).model().name());
    }
  }

  @Test
  void imageWorkloadsAreClassifiersWithTrainAndTestSets() {
    for (String name : List.of("softmax", "mlp", "cnn")) {
      assertTrue(ModelCatalog.usesImageData(name), name);
      Workload workload = ModelCatalog.create(name, tinyImages());
      assertTrue(workload.model() instanceof Classifier, name);
      assertEquals(10, ((Classifier) workload.model()).numClasses());
      assertEquals(20, workload.train().size(), name);
      assertEquals(784, workload.train().inputDim(), name);
      assertEquals(1, workload.train().targetDim(), name);
      assertTrue(workload.hasTestData(), name);
      assertEquals(10, workload.test().size(), name);
    }
    assertEquals(7_850, ModelCatalog.create("softmax", tinyImages()).model().layout().numParams());
    assertEquals(235_146, ModelCatalog.create("mlp", tinyImages()).model().layout().numParams());
    assertEquals(454_922, ModelCatalog.create("cnn", tinyImages()).model().layout().numParams());
  }

  @Test
  void mlpTakesItsHiddenWidthsFromTheOptions() {
    Workload workload = ModelCatalog.create("mlp", tinyImages().withHidden(DataOptions.parseHidden("32, 16")));
    assertArrayEquals(new int[] {32, 16}, ((Mlp) workload.model()).hidden());
    assertEquals(784 * 32 + 32 + 32 * 16 + 16 + 16 * 10 + 10, workload.model().layout().numParams());
  }

  @Test
  void hiddenWidthsMustBePositiveIntegers() {
    for (String bad : List.of("", "256,", "0", "-1", "a,b", "1.5")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataOptions.parseHidden(bad));
      assertEquals("hidden widths must be positive integers separated by commas, got '" + bad + "'", e.getMessage());
    }
  }

  @Test
  void missingImageDataSaysHowToGetIt(@TempDir Path empty) {
    DataFileException e = assertThrows(DataFileException.class,
        () -> ModelCatalog.create("cnn", DataOptions.defaults().withDataDir(empty)));
    assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
  }

  @Test
  void syntheticWorkloadsHaveNoTestSet() {
    for (String name : SYNTHETIC) {
      assertFalse(ModelCatalog.usesImageData(name), name);
      assertFalse(ModelCatalog.create(name).hasTestData(), name);
    }
    // The two-argument constructor other code uses still means "no test set".
    assertNull(new Workload(new Quadratic(), null).test());
  }

  @Test
  void workloadsHaveTheDocumentedShapes() {
    Workload linear = ModelCatalog.create("linear");
    assertEquals(11, linear.model().layout().numParams());
    assertEquals(1000, linear.train().size());
    assertEquals(10, linear.train().inputDim());
    assertEquals(1, linear.train().targetDim());

    Workload mlp = ModelCatalog.create("mlp-x2");
    assertEquals(61, mlp.model().layout().numParams());
    assertEquals(1000, mlp.train().size());
    assertEquals(1, mlp.train().inputDim());

    Workload quadratic = ModelCatalog.create("quadratic");
    assertEquals(2, quadratic.model().layout().numParams());
    assertNull(quadratic.train());
    assertFalse(quadratic.hasTrainingData());
  }

  @Test
  void everyModelHasItsOwnFingerprintAndKeepsIt() {
    Set<Long> fingerprints = new HashSet<>();
    for (String name : ModelCatalog.names()) {
      long fingerprint = ModelCatalog.create(name, tinyImages().withDataSeed(1)).model().layout().fingerprint();
      assertEquals(fingerprint, ModelCatalog.create(name, tinyImages().withDataSeed(2)).model().layout().fingerprint(), name);
      fingerprints.add(fingerprint);
    }
    assertEquals(6, fingerprints.size());
  }

  @Test
  void theLayoutWithoutDataIsTheLayoutOfTheModelAWorkerCreates() {
    DataOptions narrow = tinyImages().withHidden(32, 16);
    for (String name : ModelCatalog.names()) {
      for (DataOptions data : List.of(tinyImages(), narrow)) {
        ParameterLayout created = ModelCatalog.create(name, data).model().layout();
        ParameterLayout derived = ModelCatalog.layout(name, data.withDataDir(Path.of("no-such-folder")));
        assertEquals(created.fingerprint(), derived.fingerprint(), name);
        assertEquals(created.numParams(), derived.numParams(), name);
      }
    }
    assertEquals(784 * 32 + 32 + 32 * 16 + 16 + 16 * 10 + 10, ModelCatalog.layout("mlp", narrow).numParams());
    assertThrows(IllegalArgumentException.class, () -> ModelCatalog.layout("resnet", narrow));
  }

  @Test
  void separateProcessesGetTheSameDataFromTheSameDataSeed() {
    // Each call builds the data set from scratch, as a separate worker process would.
    for (String name : List.of("linear", "mlp-x2")) {
      Dataset a = ModelCatalog.create(name).train();
      Dataset b = ModelCatalog.create(name).train();
      assertArrayEquals(a.inputs(), b.inputs(), name);
      assertArrayEquals(a.targets(), b.targets(), name);
      Dataset other = ModelCatalog.create(name, ModelCatalog.DATA_SEED + 1).train();
      assertFalse(java.util.Arrays.equals(a.targets(), other.targets()), name);
    }
  }

  @Test
  void unknownNameListsTheChoices() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelCatalog.create("foo", 0));
    assertEquals("unknown model 'foo' (expected linear, mlp-x2, quadratic, softmax, mlp or cnn)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ModelCatalog.create("foo", tinyImages()));
    assertEquals("unknown model 'foo' (expected linear, mlp-x2, quadratic, softmax, mlp or cnn)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> DataOptions.defaults().withDataset("cifar"));
    assertEquals("unknown data set 'cifar' (expected fashion-mnist or mnist)", e.getMessage());
  }
}
