package io.impetus.cli;

/** A command line that cannot be run as given; the message names the flag and the problem. Exit code 2. */
public final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(message);
  }
}
