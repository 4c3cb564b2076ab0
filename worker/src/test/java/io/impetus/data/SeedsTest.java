package io.impetus.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SeedsTest {

  @Test
  void derivationIsDeterministic() {
    assertEquals(Seeds.derive(42, 3, 7), Seeds.derive(42, 3, 7));
    assertEquals(Seeds.derive(Seeds.derive(42, 3), 7), Seeds.derive(42, 3, 7));
  }

  @Test
  void nearbyInputsGiveDistinctSeeds() {
    Set<Long> seen = new HashSet<>();
    for (long seed = 0; seed < 10; seed++) {
      for (long rank = 0; rank < 10; rank++) {
        for (long epoch = 0; epoch < 10; epoch++) {
          seen.add(Seeds.derive(seed, rank, epoch));
        }
      }
    }
    assertEquals(1000, seen.size());
  }
}
