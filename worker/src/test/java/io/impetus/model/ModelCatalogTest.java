package io.impetus.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.impetus.data.Dataset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModelCatalogTest {

  @Test
  void namesTheThreeWorkloadsAndCreatesEach() {
    assertEquals(List.of("linear", "mlp-x2", "quadratic"), ModelCatalog.names());
    for (String name : ModelCatalog.names()) {
      assertEquals(name, ModelCatalog.create(name, 1).model().name());
    }
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
      long fingerprint = ModelCatalog.create(name, 1).model().layout().fingerprint();
      assertEquals(fingerprint, ModelCatalog.create(name, 2).model().layout().fingerprint(), name);
      fingerprints.add(fingerprint);
    }
    assertEquals(3, fingerprints.size());
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
    assertEquals("unknown model 'foo' (expected linear, mlp-x2 or quadratic)", e.getMessage());
  }
}
