/**
 * The JNI declarations of libspindle, the library loader (explicit path, else the library bundled
 * in the jar, extracted to a temporary file), and the check of the JVM flags Spindle needs
 * ({@link dev.spindle.internal.nativebridge.JvmFlags}). Leaf package.
 */
package dev.spindle.internal.nativebridge;
