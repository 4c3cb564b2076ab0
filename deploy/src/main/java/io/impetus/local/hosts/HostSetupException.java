package io.impetus.local.hosts;

/** Building or removing simulated hosts failed; the message names the failing command and its stderr. */
public final class HostSetupException extends RuntimeException {
  public HostSetupException(String message) {
    super(message);
  }

  public HostSetupException(String message, Throwable cause) {
    super(message, cause);
  }
}
