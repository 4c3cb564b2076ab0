package io.impetus.data;

/**
 * A data set file is missing or malformed. The message names the file, says what is wrong, and
 * says how to get a good copy (the Debian package, or {@code --data-dir} pointing elsewhere), so the
 * command line can print it as it is.
 */
public final class DataFileException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An exception with the full user-facing message. */
  public DataFileException(String message, Throwable cause) {
    super(message, cause);
  }
}
