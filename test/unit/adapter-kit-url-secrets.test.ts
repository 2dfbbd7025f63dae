/** The kit's reading of secrets out of connection URLs, for every scheme the adapters take. */
import { describe, expect, it } from 'vitest'
import { secretForms, secretsOfUrl, urlCredentials } from '../../adapters/kit/url-secrets.js'

describe('secrets of URLs', () => {
  it('finds the password of postgres, mysql and libsql URLs', () => {
    expect(secretsOfUrl('postgresql://app:s3cret@db.example:5432/app')).toEqual(['s3cret'])
    expect(secretsOfUrl('postgres://app:s3cret@db.example/app?sslmode=require')).toEqual(['s3cret'])
    expect(secretsOfUrl('mysql://user:pscale_pw_abc@aws.connect.psdb.cloud')).toEqual(['pscale_pw_abc'])
    expect(secretsOfUrl('libsql://user:pw123@db-org.turso.io')).toEqual(['pw123'])
  })

  it('gives a percent-encoded password raw and decoded', () => {
    expect(secretsOfUrl('postgres://app:p%40ss%2Fword@db.example/app')).toEqual([
      'p%40ss%2Fword',
      'p@ss/word',
    ])
  })

  it('keeps a password that is not valid percent-encoding as written', () => {
    expect(secretForms('100%')).toEqual(['100%'])
    expect(secretsOfUrl('postgres://app:ab%zz@db.example/app')).toEqual(['ab%zz'])
  })

  it('reads a password with no user name (`:password@`)', () => {
    expect(secretsOfUrl('postgres://:only-pw@db.example/app')).toEqual(['only-pw'])
    expect(urlCredentials('postgres://:only-pw@db.example/app')).toEqual({
      username: '',
      password: 'only-pw',
    })
  })

  it('finds nothing where there is no password', () => {
    expect(secretsOfUrl(undefined)).toEqual([])
    expect(secretsOfUrl('postgres://app@db.example/app')).toEqual([])
    expect(secretsOfUrl('file:local.db')).toEqual([])
    expect(secretsOfUrl(':memory:')).toEqual([])
    expect(secretsOfUrl('libsql://db-org.turso.io?authToken=abc')).toEqual([])
  })

  it('still finds the password of a URL the parser refuses', () => {
    // a space in the host: new URL() throws, the user:password@ form is still read
    expect(secretsOfUrl('postgres://app:pw-in-bad-url@db example/app')).toEqual(['pw-in-bad-url'])
  })
})
