/**
 * jcstress tests of the handshakes the runtime relies on (docs/jcstress.md lists them, says how
 * each is modelled and how to run them). Each test drives the runtime's own classes through their
 * public methods, in the order the runtime calls them ({@link dev.spindle.jcstress.Handshakes}
 * holds the copied call sequences, each naming where it comes from), and grades every outcome:
 * anything not declared acceptable fails the run.
 */
package dev.spindle.jcstress;
