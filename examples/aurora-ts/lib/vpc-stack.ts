import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';

export interface VpcStackArgs {
  environmentSuffix: string;
  cidrBlock: string;
  availabilityZones: number;
  tags: Record<string, string>;
}

/** A VPC with public and private subnets in each zone, one NAT gateway and endpoints for S3 and ECR. */
export class VpcStack extends pulumi.ComponentResource {
  public readonly vpcId: pulumi.Output<string>;
  public readonly privateSubnetIds: pulumi.Output<string>[];

  constructor(name: string, args: VpcStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super('tap:network:VpcStack', name, {}, opts);
    const suffix = args.environmentSuffix;
    const zones = aws.getAvailabilityZonesOutput({ state: 'available' });
    const region = aws.getRegionOutput();

    const vpc = new aws.ec2.Vpc(
      `financial-vpc-${suffix}`,
      {
        cidrBlock: args.cidrBlock,
        enableDnsHostnames: true,
        enableDnsSupport: true,
        tags: { ...args.tags, Name: `financial-vpc-${suffix}` },
      },
      { parent: this },
    );

    const igw = new aws.ec2.InternetGateway(
      `financial-igw-${suffix}`,
      { vpcId: vpc.id, tags: { ...args.tags, Name: `financial-igw-${suffix}` } },
      { parent: this },
    );

    const publicRouteTable = new aws.ec2.RouteTable(
      `financial-public-rt-${suffix}`,
      { vpcId: vpc.id, routes: [{ cidrBlock: '0.0.0.0/0', gatewayId: igw.id }], tags: args.tags },
      { parent: this },
    );

    const publicSubnets: aws.ec2.Subnet[] = [];
    const privateSubnets: aws.ec2.Subnet[] = [];
    for (let i = 0; i < args.availabilityZones; i++) {
      const az = zones.names[i];
      const publicSubnet = new aws.ec2.Subnet(
        `financial-public-${i}-${suffix}`,
        { vpcId: vpc.id, cidrBlock: `10.0.${i}.0/24`, availabilityZone: az, mapPublicIpOnLaunch: true, tags: { ...args.tags, Tier: 'public' } },
        { parent: this },
      );
      new aws.ec2.RouteTableAssociation(
        `financial-public-rta-${i}-${suffix}`,
        { subnetId: publicSubnet.id, routeTableId: publicRouteTable.id },
        { parent: this },
      );
      publicSubnets.push(publicSubnet);
      privateSubnets.push(
        new aws.ec2.Subnet(
          `financial-private-${i}-${suffix}`,
          { vpcId: vpc.id, cidrBlock: `10.0.${i + 10}.0/24`, availabilityZone: az, tags: { ...args.tags, Tier: 'private' } },
          { parent: this },
        ),
      );
    }

    // A single NAT gateway in the first public subnet keeps the synthetic environment cheap.
    const natEip = new aws.ec2.Eip(`financial-nat-eip-${suffix}`, { domain: 'vpc', tags: args.tags }, { parent: this });
    const nat = new aws.ec2.NatGateway(
      `financial-nat-${suffix}`,
      { allocationId: natEip.id, subnetId: publicSubnets[0].id, tags: args.tags },
      { parent: this },
    );
    const privateRouteTable = new aws.ec2.RouteTable(
      `financial-private-rt-${suffix}`,
      { vpcId: vpc.id, routes: [{ cidrBlock: '0.0.0.0/0', natGatewayId: nat.id }], tags: args.tags },
      { parent: this },
    );
    privateSubnets.forEach((subnet, i) => {
      new aws.ec2.RouteTableAssociation(
        `financial-private-rta-${i}-${suffix}`,
        { subnetId: subnet.id, routeTableId: privateRouteTable.id },
        { parent: this },
      );
    });

    const endpointSg = new aws.ec2.SecurityGroup(
      `financial-endpoints-sg-${suffix}`,
      {
        vpcId: vpc.id,
        description: 'Interface endpoints',
        ingress: [{ protocol: 'tcp', fromPort: 443, toPort: 443, cidrBlocks: [args.cidrBlock] }],
        tags: args.tags,
      },
      { parent: this },
    );

    new aws.ec2.VpcEndpoint(
      `financial-s3-endpoint-${suffix}`,
      {
        vpcId: vpc.id,
        serviceName: pulumi.interpolate`com.amazonaws.${region.name}.s3`,
        vpcEndpointType: 'Gateway',
        routeTableIds: [privateRouteTable.id],
        tags: args.tags,
      },
      { parent: this },
    );

    for (const service of ['ecr.api', 'ecr.dkr']) {
      new aws.ec2.VpcEndpoint(
        `financial-${service.replace('.', '-')}-endpoint-${suffix}`,
        {
          vpcId: vpc.id,
          serviceName: pulumi.interpolate`com.amazonaws.${region.name}.${service}`,
          vpcEndpointType: 'Interface',
          privateDnsEnabled: true,
          subnetIds: privateSubnets.map((s) => s.id),
          securityGroupIds: [endpointSg.id],
          tags: args.tags,
        },
        { parent: this },
      );
    }

    this.vpcId = vpc.id;
    this.privateSubnetIds = privateSubnets.map((s) => s.id);
    this.registerOutputs({ vpcId: this.vpcId });
  }
}
