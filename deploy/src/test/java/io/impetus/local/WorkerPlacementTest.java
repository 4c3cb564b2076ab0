package io.impetus.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How {@code impetus local --worker-processes P} spreads N workers over JVMs. */
class WorkerPlacementTest {
  @Test
  void byDefaultEveryWorkerHasAProcessOfItsOwn() {
    assertEquals(List.of(List.of(0), List.of(1), List.of(2)), LocalLauncher.placement(3, 3, Set.of()));
  }

  @Test
  void fewerProcessesHostContiguousRanksInGroupsOfNearEqualSize() {
    assertEquals(List.of(List.of(0, 1, 2, 3)), LocalLauncher.placement(4, 1, Set.of()));
    assertEquals(List.of(List.of(0, 1), List.of(2, 3)), LocalLauncher.placement(4, 2, Set.of()));
    assertEquals(List.of(List.of(0), List.of(1, 2), List.of(3, 4)), LocalLauncher.placement(5, 3, Set.of()));
  }

  @Test
  void aWorkerThatWillCrashAlwaysGetsItsOwnProcessAndTheOthersShareWhatIsLeft() {
    assertEquals(List.of(List.of(0, 2, 3), List.of(1)), LocalLauncher.placement(4, 1, Set.of(1)));
    assertEquals(List.of(List.of(0, 2), List.of(1), List.of(3)), LocalLauncher.placement(4, 2, Set.of(1, 3)));
    assertEquals(List.of(List.of(0), List.of(1), List.of(2, 3)), LocalLauncher.placement(4, 3, Set.of(1)));
  }
}
