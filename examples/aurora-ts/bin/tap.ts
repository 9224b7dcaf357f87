import * as pulumi from '@pulumi/pulumi';
import { TapStack } from '../lib/tap-stack';

const environmentSuffix = process.env.ENVIRONMENT_SUFFIX;
if (!environmentSuffix) {
  throw new Error('ENVIRONMENT_SUFFIX environment variable is required');
}

const stack = new TapStack('financial-platform', {
  environmentSuffix,
  tags: {
    Environment: environmentSuffix,
    Project: 'financial-db',
    CostCenter: 'fin-platform-042',
  },
});

export const vpcId = stack.vpcId;
export const clusterEndpoint = stack.clusterEndpoint;
export const clusterReaderEndpoint = stack.clusterReaderEndpoint;
export const repositoryUrl = stack.repositoryUrl;
export const kmsKeyArn = stack.kmsKeyArn;
export const stackName = pulumi.getStack();
