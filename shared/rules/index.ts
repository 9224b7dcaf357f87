import type { Rule } from '../engine/rule';
import analysisTimeout from './analyser/analysis-timeout';
import configInvalid from './analyser/config-invalid';
import internalError from './analyser/internal-error';
import parseError from './analyser/parse-error';
import suppressionUnused from './analyser/suppression-unused';
import rdsEngineVersionUnknown from './deployability/rds-engine-version-unknown';
import rdsParameterGroupFamilyMismatch from './deployability/rds-parameter-group-family-mismatch';
import rdsInstanceClassInvalid from './deployability/rds-instance-class-invalid';
import ecsFargateCpuMemoryInvalid from './deployability/ecs-fargate-cpu-memory-invalid';
import logRetentionInvalid from './deployability/log-retention-invalid';
import vpcFlowLogIntervalInvalid from './deployability/vpc-flow-log-interval-invalid';
import lambdaRuntimeDeprecated from './deployability/lambda-runtime-deprecated';
import lambdaReservedEnvVar from './deployability/lambda-reserved-env-var';
import awsNameInvalid from './deployability/aws-name-invalid';
import acmCertificatePlaceholderDomain from './deployability/acm-certificate-placeholder-domain';
import placeholderValue from './deployability/placeholder-value';
import iamPolicyDocumentMalformed from './deployability/iam-policy-document-malformed';
import azHardcoded from './deployability/az-hardcoded';
import cidrInvalidOrOverlapping from './deployability/cidr-invalid-or-overlapping';
import rdsMasterPasswordInvalid from './deployability/rds-master-password-invalid';
import hardcodedUniqueName from './naming/hardcoded-unique-name';
import nameMissingEnvironmentSuffix from './naming/name-missing-environment-suffix';
import logRetentionMissing from './operations/log-retention-missing';
import pulumiOutputInString from './pulumi/pulumi-output-in-string';
import pulumiResourceInApply from './pulumi/pulumi-resource-in-apply';
import pulumiMissingParent from './pulumi/pulumi-missing-parent';
import pulumiProviderUnused from './pulumi/pulumi-provider-unused';
import pulumiComponentOutputsUnregistered from './pulumi/pulumi-component-outputs-unregistered';
import rdsMultiAzDisabled from './reliability/rds-multi-az-disabled';
import hardcodedSecret from './security/hardcoded-secret';
import sgIngressOpenToWorld from './security/sg-ingress-open-to-world';
import iamPolicyWildcard from './security/iam-policy-wildcard';
import iamBroadManagedPolicy from './security/iam-broad-managed-policy';
import rdsPubliclyAccessible from './security/rds-publicly-accessible';
import encryptionAtRestDisabled from './security/encryption-at-rest-disabled';
import encryptionInTransitDisabled from './security/encryption-in-transit-disabled';
import albHttpWithoutRedirect from './security/alb-http-without-redirect';
import s3PublicAccessNotBlocked from './security/s3-public-access-not-blocked';
import kmsKeyRotationDisabled from './security/kms-key-rotation-disabled';
import ec2Imdsv2NotRequired from './security/ec2-imdsv2-not-required';
import ecrScanOnPushDisabled from './security/ecr-scan-on-push-disabled';
import containerImageUnpinned from './security/container-image-unpinned';
import cloudtrailNotIntegrated from './security/cloudtrail-not-integrated';
import rdsBackupRetentionLow from './reliability/rds-backup-retention-low';
import deletionProtectionDisabled from './reliability/deletion-protection-disabled';
import resourceNotDestroyable from './reliability/resource-not-destroyable';
import fargateSpotWithoutFallback from './reliability/fargate-spot-without-fallback';
import alarmWithoutActions from './operations/alarm-without-actions';
import tagsRequiredMissing from './operations/tags-required-missing';
import eipQuotaRisk from './operations/eip-quota-risk';
import rdsStorageAutoscalingDisabled from './operations/rds-storage-autoscaling-disabled';
import vpcFlowLogsMissing from './security/vpc-flow-logs-missing';
import natGatewayCostEphemeral from './cost/nat-gateway-cost-ephemeral';
import albWafMissing from './security/alb-waf-missing';
import s3LifecycleRuleInvalid from './deployability/s3-lifecycle-rule-invalid';
import acmDnsValidationIncomplete from './deployability/acm-dns-validation-incomplete';
import vpcS3EndpointMissing from './cost/vpc-s3-endpoint-missing';
import natGatewaySingleAz from './reliability/nat-gateway-single-az';
import insightsDisabled from './operations/insights-disabled';
import kmsKeyPolicyServiceAccess from './deployability/kms-key-policy-service-access';
import sgInlineRuleCycle from './security/sg-inline-rule-cycle';
import autoscalingPolicyMissing from './reliability/autoscaling-policy-missing';
import monitoringMissing from './operations/monitoring-missing';
import accessLoggingDisabled from './security/access-logging-disabled';
import missingLocalFile from './deployability/missing-local-file';
import terraformBackendNoLocking from './terraform/terraform-backend-no-locking';
import terraformProviderUnpinned from './terraform/terraform-provider-unpinned';
import terraformUndeclaredReference from './terraform/terraform-undeclared-reference';
import terraformDuplicateDefinition from './terraform/terraform-duplicate-definition';
import awsResourceTypeUnknown from './schema/aws-resource-type-unknown';
import awsArgumentUnknown from './schema/aws-argument-unknown';
import awsArgumentDeprecated from './schema/aws-argument-deprecated';
import awsArgumentMissing from './schema/aws-argument-missing';
import awsValueInvalid from './schema/aws-value-invalid';

/** Every rule, in catalogue order. */
export const allRules: Rule[] = [
  rdsEngineVersionUnknown,
  rdsParameterGroupFamilyMismatch,
  rdsInstanceClassInvalid,
  ecsFargateCpuMemoryInvalid,
  awsNameInvalid,
  acmCertificatePlaceholderDomain,
  acmDnsValidationIncomplete,
  placeholderValue,
  logRetentionInvalid,
  vpcFlowLogIntervalInvalid,
  lambdaRuntimeDeprecated,
  lambdaReservedEnvVar,
  rdsMasterPasswordInvalid,
  kmsKeyPolicyServiceAccess,
  azHardcoded,
  cidrInvalidOrOverlapping,
  s3LifecycleRuleInvalid,
  iamPolicyDocumentMalformed,
  missingLocalFile,
  hardcodedUniqueName,
  nameMissingEnvironmentSuffix,
  sgIngressOpenToWorld,
  sgInlineRuleCycle,
  iamPolicyWildcard,
  iamBroadManagedPolicy,
  hardcodedSecret,
  rdsPubliclyAccessible,
  encryptionAtRestDisabled,
  encryptionInTransitDisabled,
  albHttpWithoutRedirect,
  s3PublicAccessNotBlocked,
  kmsKeyRotationDisabled,
  ec2Imdsv2NotRequired,
  ecrScanOnPushDisabled,
  containerImageUnpinned,
  cloudtrailNotIntegrated,
  vpcFlowLogsMissing,
  albWafMissing,
  accessLoggingDisabled,
  rdsMultiAzDisabled,
  natGatewaySingleAz,
  rdsBackupRetentionLow,
  deletionProtectionDisabled,
  resourceNotDestroyable,
  autoscalingPolicyMissing,
  fargateSpotWithoutFallback,
  logRetentionMissing,
  alarmWithoutActions,
  monitoringMissing,
  insightsDisabled,
  tagsRequiredMissing,
  natGatewayCostEphemeral,
  eipQuotaRisk,
  vpcS3EndpointMissing,
  rdsStorageAutoscalingDisabled,
  pulumiOutputInString,
  pulumiResourceInApply,
  pulumiMissingParent,
  pulumiProviderUnused,
  pulumiComponentOutputsUnregistered,
  terraformBackendNoLocking,
  terraformProviderUnpinned,
  terraformUndeclaredReference,
  terraformDuplicateDefinition,
  awsResourceTypeUnknown,
  awsArgumentUnknown,
  awsArgumentDeprecated,
  awsArgumentMissing,
  awsValueInvalid,
  parseError,
  suppressionUnused,
  configInvalid,
  internalError,
  analysisTimeout,
];

let byId: Map<string, Rule> | undefined;

/** Asked once per finding shown (diagnostics, reports): a map, not a search of the list. */
export function ruleById(id: string): Rule | undefined {
  byId ??= new Map(allRules.map((r) => [r.meta.id, r]));
  return byId.get(id);
}
