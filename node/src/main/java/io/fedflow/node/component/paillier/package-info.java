/**
 * The Paillier cryptosystem the hetero components need: {@link
 * io.fedflow.node.component.paillier.PaillierKeyPair} with its public and private keys, {@code
 * PaillierEncryptor} (fixed-base obfuscator), {@code FixedPoint} (doubles as plaintexts), {@code
 * MontgomeryMultiplier} and {@code CiphertextVector} (ciphertexts as bytes for the transfer channel).
 *
 * <p>Dependencies: the JDK only ({@code BigInteger}); nothing of Fedflow. Keep it so: it is pure arithmetic,
 * tested and benchmarked alone.
 */
package io.fedflow.node.component.paillier;
