package org.pnnlab.api;

/**
 * An error caused by what the user asked for (an unknown name, a bad value, a missing or corrupt file).
 * Its message is written for the user: it names the problem and, where there is one, the fix.
 * The command line prints only the message unless asked for the stack trace.
 */
public class PnnException extends RuntimeException {
    public PnnException(String message) {
        super(message);
    }

    public PnnException(String message, Throwable cause) {
        super(message, cause);
    }
}
