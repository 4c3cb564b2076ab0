package io.impetus.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.impetus.csv.CsvTable.MalformedCsvException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvTableTest {
  @TempDir Path tmp;

  private Path write(String name, String text) throws Exception {
    Path p = tmp.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  @Test
  void readsHeaderAndRowsWithTheirLines() throws Exception {
    CsvTable t = CsvTable.read(write("m.csv", "time,worker,loss\n1.000,0,0.5\n\n2.000,1,NaN\n"));
    assertEquals(List.of("time", "worker", "loss"), t.header());
    assertEquals(2, t.rows().size());
    assertEquals(2, t.rows().get(0).line());
    assertEquals(4, t.rows().get(1).line(), "blank lines are skipped but counted");
    assertEquals(1, t.column("worker"));
    assertTrue(Double.isNaN(t.rows().get(1).number(t.column("loss"))));
    assertEquals(1, t.rows().get(1).integer(1));
  }

  @Test
  void quotedFieldsHoldCommasQuotesAndLineBreaks() throws Exception {
    CsvTable t = CsvTable.read(write("q.csv", "delay,policy,note\n\"histogram:a,b.json\",drop:3,\"say \"\"hi\"\"\nthere\"\nfixed:1,,\"\"\n"));
    assertEquals(List.of("histogram:a,b.json", "drop:3", "say \"hi\"\nthere"), t.rows().get(0).values());
    assertEquals(3, t.rows().get(0).line(), "a row's line is the one it ends on");
    assertEquals(List.of("fixed:1", "", ""), t.rows().get(1).values());
  }

  @Test
  void emptyFileHasNoColumnsAndNoRows() throws Exception {
    CsvTable t = CsvTable.read(write("empty.csv", ""));
    assertTrue(t.header().isEmpty());
    assertTrue(t.rows().isEmpty());
    assertFalse(t.hasColumn("time"));
    CsvTable headerOnly = CsvTable.read(write("h.csv", "a,b\n"));
    assertEquals(List.of("a", "b"), headerOnly.header());
    assertTrue(headerOnly.rows().isEmpty());
  }

  @Test
  void rowWithTooFewOrTooManyFieldsNamesFileAndLine() throws Exception {
    Path p = write("short.csv", "a,b,c\n1,2,3\n4,5\n");
    MalformedCsvException e = assertThrows(MalformedCsvException.class, () -> CsvTable.read(p));
    assertEquals(3, e.line());
    assertTrue(e.getMessage().startsWith(p + " line 3: has 2 fields where the header has 3"), e.getMessage());
    Path q = write("long.csv", "a,b\n1,2,3\n");
    assertTrue(assertThrows(MalformedCsvException.class, () -> CsvTable.read(q)).getMessage().contains(q + " line 2"));
  }

  @Test
  void brokenQuoteNamesFileAndLine() throws Exception {
    Path p = write("quote.csv", "a,b\n1,2\n3,\"x\"y\n");
    MalformedCsvException e = assertThrows(MalformedCsvException.class, () -> CsvTable.read(p));
    assertEquals(3, e.line());
    assertTrue(e.getMessage().startsWith(p + " line 3: is not valid CSV"), e.getMessage());
    Path open = write("open.csv", "a,b\n1,\"never closed\n");
    assertTrue(assertThrows(MalformedCsvException.class, () -> CsvTable.read(open)).getMessage().startsWith(open + " line"));
  }

  @Test
  void badNumberAndMissingColumnNameTheFile() throws Exception {
    Path p = write("n.csv", "x,y\n1,oops\n");
    CsvTable t = CsvTable.read(p);
    MalformedCsvException e = assertThrows(MalformedCsvException.class, () -> t.rows().get(0).number(1));
    assertEquals(p + " line 2: field 2 is not a number: 'oops'", e.getMessage());
    assertTrue(assertThrows(MalformedCsvException.class, () -> t.column("z")).getMessage().contains(p + " line 1: has no column z"));
  }

  @Test
  void tornLastRowOfAKilledWriterIsDroppedOnlyOnRequest() throws Exception {
    Path p = write("torn.csv", "a,b,c\n1,2,3\n4,5");
    assertEquals(1, CsvTable.readDroppingTornTail(p).rows().size());
    assertThrows(MalformedCsvException.class, () -> CsvTable.read(p));
    Path whole = write("whole.csv", "a,b\n1,2\n");
    assertEquals(1, CsvTable.readDroppingTornTail(whole).rows().size());
  }

  @Test
  void writesPlainFieldsAsTheyAreAndQuotesOnlyWhereNeeded() throws Exception {
    assertEquals("1764.123,0,,-1.5E-4,NaN,,", CsvTable.line("1764.123", 0, "", "-1.5E-4", "NaN", "", null));
    assertEquals("\"histogram:a,b\",\"say \"\"hi\"\"\",x", CsvTable.line("histogram:a,b", "say \"hi\"", "x"));
    Path p = tmp.resolve("out.csv");
    CsvTable.write(p, List.of("a", "b"), List.of(List.of("1", "x,y"), List.of("2", "")));
    assertEquals("a,b\n1,\"x,y\"\n2,\n", Files.readString(p));
    assertEquals(List.of("x,y"), CsvTable.read(p).rows().get(0).values().subList(1, 2));
  }
}
