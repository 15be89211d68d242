package dev.spindle.internal.distribution;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * The cookie proof of the connection handshake (docs/distribution.md, "Security"): each side sends
 * a fresh random nonce and proves it knows the cookie with an HMAC-SHA256 over both nonces and
 * both nodes' names and creations, tagged with its role, so a proof can be neither replayed in
 * another handshake nor reflected back to the node that made it. The cookie itself never crosses
 * the wire. Not thread-safe: one per node, used by the distribution thread only.
 */
final class Handshake
{
    static final int NONCE = 16;
    static final int PROOF = 32;
    static final byte ROLE_ACCEPTOR = 'A';
    static final byte ROLE_CONNECTOR = 'C';

    private final SecureRandom random = new SecureRandom();
    private final Mac mac;

    Handshake(final byte[] cookie)
    {
        try
        {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(cookie, "HmacSHA256"));
        }
        catch (final GeneralSecurityException e)
        {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    byte[] nonce()
    {
        final byte[] n = new byte[NONCE];
        random.nextBytes(n);
        return n;
    }

    /**
     * @param role             who proves: {@link #ROLE_ACCEPTOR} or {@link #ROLE_CONNECTOR}.
     * @param connectorNonce   the connector's nonce.
     * @param acceptorNonce    the acceptor's nonce.
     * @param connector        the connector's name.
     * @param connectorCreation its creation.
     * @param acceptor         the acceptor's name.
     * @param acceptorCreation its creation.
     * @return the proof.
     */
    byte[] proof(final byte role, final byte[] connectorNonce, final byte[] acceptorNonce, final String connector,
                 final int connectorCreation, final String acceptor, final int acceptorCreation)
    {
        mac.reset();
        mac.update(role);
        mac.update(connectorNonce);
        mac.update(acceptorNonce);
        final byte[] c = connector.getBytes(StandardCharsets.UTF_8);
        final byte[] a = acceptor.getBytes(StandardCharsets.UTF_8);
        mac.update(ByteBuffer.allocate(16).putInt(c.length).putInt(connectorCreation).putInt(a.length).putInt(acceptorCreation).array());
        mac.update(c);
        mac.update(a);
        return mac.doFinal();
    }

    /** Constant-time comparison. */
    static boolean same(final byte[] a, final byte[] b)
    {
        return a != null && b != null && MessageDigest.isEqual(a, b);
    }
}
