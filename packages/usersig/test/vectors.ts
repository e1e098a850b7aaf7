/**
 * Test vectors, copied from the UserSig reference notes (v2: issued by the official npm
 * tls-sig-api-v2@1.0.2 with the clock fixed; v1: from tencentyun/tls-sig-api's unit tests and one
 * constructed RFC 6979 vector). Tests must not read the reference at run time, hence the copy.
 */

/** Tencent's public sample key. */
export const K = '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e';

export const TV1 = {
  sdkAppId: 1400000000,
  secretKey: K,
  identifier: 'xiaojun',
  time: 1700000000,
  expire: 15552000,
  macInput: 'TLS.identifier:xiaojun\nTLS.sdkappid:1400000000\nTLS.time:1700000000\nTLS.expire:15552000\n',
  sig: 'LvA7d/Iw7gSsnskvVzBDPOCCDbuNCw4GHwTC0bip+B4=',
  json: '{"TLS.ver":"2.0","TLS.identifier":"xiaojun","TLS.sdkappid":1400000000,"TLS.time":1700000000,"TLS.expire":15552000,"TLS.sig":"LvA7d/Iw7gSsnskvVzBDPOCCDbuNCw4GHwTC0bip+B4="}',
  userSig:
    'eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS80oy0zLBwhWZiflZpXlQqeKU7MSCgswUJStDEwMogMiUZOamKlkZmqOKplYUZBaBxE1NTY3gosWZ6UpWSj5ljuYp*p7l5unBxXnF2WVhVU4uAf7Ozi5JpX7O5SbuHuUhzgZJmQXaTia2SrUAohcx8g__',
};

export const TV2 = {
  sdkAppId: 1400000001,
  secretKey: 'abcdef0123456789',
  identifier: 'alice_01-x',
  time: 1600000000,
  expire: 86400,
  macInput: 'TLS.identifier:alice_01-x\nTLS.sdkappid:1400000001\nTLS.time:1600000000\nTLS.expire:86400\n',
  sig: 'Iy6VgNaWOCPi4y30RETK8OIu2C9RZJKeMqkb7KRyTdY=',
  userSig:
    'eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS80oy0zLBwok5mcmp8QaGuhVQ2eKU7MSCgswUJStDEwMIMITIlGTmpipZGZpBRQ0goqkVBZlFqUpWFmYmMKHizHQlKyXPSrOwdL-EcH-ngEyTSmODINcQbwt-z1IjZ8ugKC-vVN-C7CRz76DKkJRIW6VaAGUtMWc_',
};

export const TV3 = {
  sdkAppId: 1400000000,
  secretKey: K,
  identifier: 'xiaojun',
  expire: 300,
  roomId: 10000,
  privilegeMap: 255,
  time: 1700000000,
  userbufHex: '00' + '0007' + '7869616f6a756e' + '53724e00' + '00002710' + '6553f22c' + '000000ff' + '00000000',
  userbufB64: 'AAAHeGlhb2p1blNyTgAAACcQZVPyLAAAAP8AAAAA',
  macInput:
    'TLS.identifier:xiaojun\nTLS.sdkappid:1400000000\nTLS.time:1700000000\nTLS.expire:300\nTLS.userbuf:AAAHeGlhb2p1blNyTgAAACcQZVPyLAAAAP8AAAAA\n',
  sig: '0+M4K64lITF5k+8jtQGalx0fgxd1aweZx0fZYfdnvZk=',
  userSig:
    'eJxVjU0LgkAURf-L2xoympUMtHgEWWShJEHutJmxUTPxq5Hov0eWi*7iwj1ncZ8QuEe94xVQMHUCk2FLxotGCjlgJaN72hY-VbMsKkvJgBoW*eVrGnnjQI3FP*WqlBUHOh1BW-MqbgVQQMQNd-JrbJZGnB-6IEHE1cUPT17vIiJ69qdxfJYJUCDa3trNrXwbrGeZZqeN70S5IiJRzIgePFREhGfBii7MlvB6A36tQqM_',
};

export const TV4 = {
  sdkAppId: 1400000000,
  secretKey: K,
  identifier: 'xiaojun',
  expire: 300,
  roomStr: '1000000040',
  privilegeMap: 42,
  time: 1700000000,
  userbufHex:
    '01' + '0007' + '7869616f6a756e' + '53724e00' + '00000000' + '6553f22c' + '0000002a' + '00000000' + '000a' + '31303030303030303430',
  userbufB64: 'AQAHeGlhb2p1blNyTgAAAAAAZVPyLAAAACoAAAAAAAoxMDAwMDAwMDQw',
  sig: 'z1MzWET30Ya0Nprdd3XpRYqFGarigfJK769q5n7S9yo=',
  userSig:
    'eJxVjlsLgkAUhP-LeY7wUkkLPSxdjG5USmVvyq52ynRbNS-Rf4-UHhoYmPnmZV5gr6zuk0sgoHUV6NQdGY9S9LHGBbrxNYvaKWE3VwhkQNSe0qpZUrxzIKrxT3khUHIg*g9kCZde5gMBuqNzboYXTxOqF25KO6C1zodtufqGcdwAGhfrCc0b7-LfEwyAQKWuq*PU1hXHVTZCMqafxN55zExXYuAvlsZg*OhHhjUs4xG8P-6RR9g_',
};

function pem(label: string, body: string): string {
  return `-----BEGIN ${label}-----\n${body.match(/.{1,64}/g)!.join('\n')}\n-----END ${label}-----\n`;
}

/** secp256k1 test key of tencentyun/tls-sig-api (signs V1-a and V1-e). */
export const SECP256K1_PUBLIC_PEM = pem(
  'PUBLIC KEY',
  'MFYwEAYHKoZIzj0CAQYFK4EEAAoDQgAEtqF9a4XZGHQ/npNSeTcGITcBR7lW7qz1x0M1QFxkhLM4GiBa2kv7GzLoO2/YqIuXRWV5Xm9EdnrSGd3T7sHFcg==',
);
/** SEC1 form with the EC PARAMETERS block, as tls_licence_tools wrote it. */
export const SECP256K1_PRIVATE_PEM =
  pem('EC PARAMETERS', 'BgUrgQQACg==') +
  pem(
    'EC PRIVATE KEY',
    'MHQCAQEEIFBooCg0a6sUn/T3zJ4LSu+jbgT03CAwkAmXmvOQ1YZboAcGBSuBBAAKoUQDQgAEtqF9a4XZGHQ/npNSeTcGITcBR7lW7qz1x0M1QFxkhLM4GiBa2kv7GzLoO2/YqIuXRWV5Xm9EdnrSGd3T7sHFcg==',
  );

export const V1A = {
  publicKeyPem: SECP256K1_PUBLIC_PEM,
  sdkAppId: 1234,
  identifier: '12345',
  time: 1521710196,
  expire: 60,
  signedText:
    'TLS.appid_at_3rd:123\nTLS.account_type:6\nTLS.identifier:12345\nTLS.sdk_appid:1234\nTLS.time:1521710196\nTLS.expire_after:60\n',
  userSig:
    'eJxN0E9vgjAUAPA7n6LhumVrC7ixxAOKA4OLM*K2W9NIdS8IQqlSWfbd59Bsfcf3e--yviyEkJ3Olnd8vd4fSsXUqRI2ekL2wL79x6qCjHHFHJn1SKhjsNAVSMH4Rgl56cWGQiZKBRu42rnV9Qxuspz18--URNj26ZfJYjyNOD4UcuE*y9Eu1asd0a1Q969JNK-jMP4I4ebkbsMw149BAEG7jGs-J8kn6VLqRNPG180xGby-ibbl44IC7UYR1JNuFgyHxkoFxeUBxKPkgWDim584CtnAvuwLKCbe*V78G7b1bf0AYUhaRQ__',
};

export const V1C = {
  publicKeyPem: pem(
    'PUBLIC KEY',
    'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEBH5u4BnS8+O4Ka510XU8SKKzDxUQbrPwRg9b+YeeP/iPZn3D9eeNs22phtlj9w/5N3Sy73g9td2Y4MCONt3MwA==',
  ),
  sdkAppId: 1400078997,
  identifier: 'admin',
  time: 1523240877,
  expire: 15552000,
  userSig:
    'eJxNjV1PgzAUhv8LtxotBVIw8QImLihIpJKAWUI6KKQulK6UMWf87wIZiefuvB-P*6N9hPiurw4FEYJV2oOmmwAAZDsO0m4Xk54Fk7QgtaJy9i3LglPk6i61gqjCkHN7lRVr6RKGBjSBjVYYqyhXrGYLilQt4yunLLuBq0J9C-qP07Nm*iI-3QRbj7jHEbPYG17D9Dn4wqpuzk8JdqC4uUSN7xGujJcQy8hlvntvh5skE43aB3lWDmGXv53QMaM7ueNIHMwkRvuR4HRsP9*3cf4469fRE5U96-g0DIFu6dAA82m-f-HNW5Q_',
};

export const V1E = {
  publicKeyPem: SECP256K1_PUBLIC_PEM,
  sdkAppId: 1400000000,
  identifier: 'xiaojun',
  time: 1700000000,
  expire: 15552000,
  signedText:
    'TLS.appid_at_3rd:0\nTLS.account_type:0\nTLS.identifier:xiaojun\nTLS.sdk_appid:1400000000\nTLS.time:1700000000\nTLS.expire_after:15552000\n',
  derSigB64: 'MEUCIQCec20m32enmRAalOOuUc8rqDuyIUu8PyTcMJNVLXgRJwIgHmB7Wf3uBcZruqBvLaC9e4eiJiVOuUH2EnlzLkGFjVo=',
  userSig:
    'eJxdjlFPgzAURv9Ln41py3DTxAfB6SDM6RxofGmaUsjdRmGlnWPG-24lJFt2H8-J*XJ-0Cp5v*ZC1FYZZrpGojuE0VWPIZfKQAFSO3gAXq*tGhRvGsgZN8zT*VnR5hvWK8fICA83SHloQEvGC9MPEt-36cnupW6hVk5QTG4IJuQsNVD9P0bGF5MtlA7Pp2kYvYVSUFx5VKpq*cC3i4VNxUTvHm0XpXby2q3EPH7Jks9yGX9H5awKxh*FZwPxpe0u2Cc8vJUjCTFkLpzRqdoek83z0zqr79HvHx8cWXQ_',
};
