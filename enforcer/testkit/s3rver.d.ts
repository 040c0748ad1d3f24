// s3rver ships no types: the little of it the test S3 server uses.
declare module "s3rver" {
  export default class S3rver {
    constructor(options: {
      port: number
      address: string
      directory: string
      silent: boolean
      configureBuckets: Array<{ name: string; configs: Array<string> }>
    })
    run(): Promise<unknown>
    close(): Promise<void>
  }
}
