import * as aws from '@pulumi/aws';

const assets = new aws.s3.BucketV2('assets', {});

export const assetPolicy = new aws.iam.Policy('assets-read', {
  policy: JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: `${assets.arn}/*` }],
  }),
});
